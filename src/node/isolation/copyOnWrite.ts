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

/**
 * One child's private side of the shared context: its views, and the copies its writes made.
 *
 * Bookkeeping uses strong Maps, not WeakMaps: a space lives exactly as long as its child, and
 * WeakMaps whose values point back at their keys (view -> state -> original -> view) made V8's
 * ephemeron marking superlinear (measured: 20 us per view at 2,000 views, 37 us at 6,000).
 */
export class CowSpace {
  // original (or copied-on-read original) -> what this space hands out for it
  private readonly handedOut = new Map<object, object>();
  // original -> state of its view; the shared handler finds the state through its `target`
  private readonly states = new Map<object, ViewState>();
  // every view handed out, to tell views apart from plain objects
  private readonly views = new Map<object, ViewState>();
  // objects the child itself stored: they are the child's own and are never wrapped
  private readonly owned = new Set<object>();
  private readonly handler: ProxyHandler<object> = this.createHandler();

  /**
   * The copy-on-write view of `value` in this space (the same view for the same object every
   * time). Primitives, functions, frozen objects, class instances and the child's own objects
   * come back unchanged.
   */
  view<T>(value: T): T {
    if (typeof value !== "object" || value === null) return value;
    const object = value as object;
    const known = this.handedOut.get(object);
    if (known) return known as T;
    if (this.views.has(object) || this.owned.has(object)) return value;
    if (isCopiedOnRead(object)) {
      const copy = copyOnRead(object);
      this.handedOut.set(object, copy);
      this.owned.add(copy);
      return copy as T;
    }
    if (!isPlainContainer(object) || Object.isFrozen(object)) return value;
    const state: ViewState = { target: object, shadow: undefined };
    const proxy = new Proxy(object, this.handler);
    this.states.set(object, state);
    this.views.set(proxy, state);
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
    const state = this.views.get(object);
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

  /** One handler for every view of the space; each trap finds its view's state by the Proxy target. */
  private createHandler(): ProxyHandler<object> {
    const stateOf = (target: object) => this.states.get(target)!;
    const current = (target: object) => stateOf(target).shadow ?? target;
    const writable = (target: object) => {
      const state = stateOf(target);
      return (state.shadow ??= shallowCopy(target));
    };
    const remember = (value: unknown) => {
      if (typeof value === "object" && value !== null && !this.views.has(value)) this.owned.add(value);
    };
    return {
      get: (target, key, receiver) => {
        const state = stateOf(target);
        const value = Reflect.get(state.shadow ?? target, key, receiver) as unknown;
        if (typeof value !== "object" || value === null) return value;
        // Proxy invariant: a non-writable, non-configurable data property must read as itself.
        const own = state.shadow ? undefined : Reflect.getOwnPropertyDescriptor(target, key);
        if (own && own.configurable === false && own.writable === false) return value;
        return this.view(value);
      },
      set: (target, key, value) => {
        remember(value);
        return Reflect.set(writable(target), key, value);
      },
      deleteProperty: (target, key) => Reflect.deleteProperty(writable(target), key),
      defineProperty: (target, key, descriptor) => {
        if ("value" in descriptor) remember(descriptor.value);
        return Reflect.defineProperty(writable(target), key, descriptor);
      },
      has: (target, key) => Reflect.has(current(target), key),
      ownKeys: (target) => Reflect.ownKeys(current(target)),
      getOwnPropertyDescriptor: (target, key) => {
        const state = stateOf(target);
        const descriptor = Reflect.getOwnPropertyDescriptor(state.shadow ?? target, key);
        // Reported descriptors must stay configurable unless the target's own one is not.
        if (descriptor && state.shadow && descriptor.configurable === false) {
          const original = Reflect.getOwnPropertyDescriptor(target, key);
          if (!original || original.configurable) descriptor.configurable = true;
        }
        return descriptor;
      },
    };
  }
}
