/**
 * Copy-on-write views: how 20 children share one 10 MB context without 20 copies.
 *
 * A view is a Proxy over an object of the parent's context. Reads go to the original; the first
 * write to an object (set, delete, define, or an array method that writes) makes a shallow copy
 * of that one object, private to the view's {@link CowSpace}, and every later read and write of
 * that object goes to the copy. Nested objects are wrapped lazily as they are read, so a child
 * pays only for what it touches, and the parent's objects are never written.
 *
 * What is wrapped: plain objects and arrays. What is copied on first read instead: `Date`, `Map`,
 * `Set`, typed arrays and buffers (their state lives in internal slots a Proxy cannot intercept).
 * What is shared as is: functions, frozen objects, and instances of other classes (a live socket or
 * an Express request cannot be copied meaningfully; isolate those yourself).
 */

interface ViewState {
  readonly target: object;
  shadow: object | undefined;
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isCopiedOnRead(value: object): boolean {
  return value instanceof Date || value instanceof Map || value instanceof Set || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function shallowCopy(target: object): object {
  if (Array.isArray(target)) return target.slice();
  return Object.defineProperties(Object.create(Object.getPrototypeOf(target)), Object.getOwnPropertyDescriptors(target));
}

function copyOnRead(value: object): object {
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Map) return new Map(value);
  if (value instanceof Set) return new Set(value);
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (value instanceof DataView) return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  const Typed = value.constructor as new (source: ArrayBufferView) => object;
  return new Typed(value as ArrayBufferView);
}

/** One child's private side of the shared context: its views, and the copies its writes made. */
export class CowSpace {
  // original (or copied-on-read original) -> what this space hands out for it
  private readonly handedOut = new WeakMap<object, object>();
  // view -> its state; also tells views apart from plain objects
  private readonly states = new WeakMap<object, ViewState>();
  // objects the child itself stored: they are the child's own and are never wrapped
  private readonly owned = new WeakSet<object>();

  /**
   * The copy-on-write view of `value` in this space (the same view for the same object every
   * time). Primitives, functions, frozen objects, class instances and the child's own objects
   * come back unchanged.
   */
  view<T>(value: T): T {
    if (typeof value !== "object" || value === null) return value;
    const object = value as object;
    if (this.states.has(object) || this.owned.has(object)) return value;
    const known = this.handedOut.get(object);
    if (known) return known as T;
    if (isCopiedOnRead(object)) {
      const copy = copyOnRead(object);
      this.handedOut.set(object, copy);
      this.owned.add(copy);
      return copy as T;
    }
    if (!isPlainContainer(object) || Object.isFrozen(object)) return value;
    const proxy = this.createView(object);
    this.handedOut.set(object, proxy);
    return proxy as T;
  }

  /**
   * Turns a value that may hold views back into plain data: an unwritten view becomes the original
   * object (no copy), a written one its private copy, recursively. Use it before handing a value
   * to anything that clones (`structuredClone`, a worker thread) or that must outlive the child.
   */
  materialize<T>(value: T): T {
    return this.unwrap(value, new Map()) as T;
  }

  private unwrap(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value !== "object" || value === null) return value;
    const object = value as object;
    if (seen.has(object)) return seen.get(object);
    // A copy's slots hold originals; the child's writes to them live in the views handed out for them.
    const handed = this.handedOut.get(object);
    if (handed) return this.unwrap(handed, seen);
    const state = this.states.get(object);
    // An unwritten view's subtree is all original: nothing below it can be a view.
    if (state && !state.shadow) return state.target;
    const source = state ? (state.shadow as object) : object;
    if (!isPlainContainer(source)) return source;
    let copy: Record<PropertyKey, unknown> | unknown[] | undefined;
    seen.set(object, source);
    for (const key of Object.keys(source)) {
      const item = (source as Record<string, unknown>)[key];
      const plain = this.unwrap(item, seen);
      if (plain !== item) {
        copy ??= shallowCopy(source) as Record<PropertyKey, unknown>;
        (copy as Record<string, unknown>)[key] = plain;
      }
    }
    const result = copy ?? source;
    seen.set(object, result);
    return result;
  }

  private createView(target: object): object {
    const state: ViewState = { target, shadow: undefined };
    const current = () => state.shadow ?? target;
    const writable = () => (state.shadow ??= shallowCopy(target));
    const remember = (value: unknown) => {
      if (typeof value === "object" && value !== null && !this.states.has(value)) this.owned.add(value);
    };
    const proxy = new Proxy(target, {
      get: (_, key, receiver) => {
        const source = current();
        const value = Reflect.get(source, key, receiver) as unknown;
        if (typeof value !== "object" || value === null) return value;
        // Proxy invariant: a non-writable, non-configurable data property must read as itself.
        const own = state.shadow ? undefined : Reflect.getOwnPropertyDescriptor(target, key);
        if (own && own.configurable === false && own.writable === false) return value;
        return this.view(value);
      },
      set: (_, key, value) => {
        remember(value);
        return Reflect.set(writable(), key, value);
      },
      deleteProperty: (_, key) => Reflect.deleteProperty(writable(), key),
      defineProperty: (_, key, descriptor) => {
        if ("value" in descriptor) remember(descriptor.value);
        return Reflect.defineProperty(writable(), key, descriptor);
      },
      has: (_, key) => Reflect.has(current(), key),
      ownKeys: () => Reflect.ownKeys(current()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(current(), key);
        // Reported descriptors must stay configurable unless the target's own one is not.
        if (descriptor && state.shadow && descriptor.configurable === false) {
          const original = Reflect.getOwnPropertyDescriptor(target, key);
          if (!original || original.configurable) descriptor.configurable = true;
        }
        return descriptor;
      },
    });
    this.states.set(proxy, state);
    return proxy;
  }
}
