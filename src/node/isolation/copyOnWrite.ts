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
  /** The views this one was read from (usually one); their materialized form must include this one's writes. */
  parents: ViewState[] | undefined;
  /** Something below this view was written (or copied on read): `materialize` must descend into it. */
  writtenBelow: boolean;
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

function copyOnRead(value: object, view: <T>(value: T) => T): object {
  if (value instanceof Date) return new Date(value.getTime());
  // Entries are views of this space (keys and members too, so they match the views handed out
  // for the same objects elsewhere): writes into objects held by a Map or Set stay private.
  if (value instanceof Map) return new Map(Array.from(value, ([key, entry]) => [view(key), view(entry)]));
  if (value instanceof Set) return new Set(Array.from(value, view));
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
      const copy = copyOnRead(object, (entry) => this.view(entry));
      this.handedOut.set(object, copy);
      this.owned.add(copy);
      return copy as T;
    }
    if (!isPlainContainer(object) || Object.isFrozen(object)) return value;
    const state: ViewState = { target: object, shadow: undefined, parents: undefined, writtenBelow: false };
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
    // A view with no write in or below it stands for an all-original subtree: no copy.
    if (state && !state.shadow && !state.writtenBelow) return state.target;
    const source = state ? (state.shadow ?? state.target) : object;
    if (this.owned.has(source) && (source instanceof Map || source instanceof Set)) return this.unwrapCollection(source, seen);
    if (!isPlainContainer(source)) return source;
    // A written view is copied up front, so cycles through it point at the copy. The child's own
    // objects are copied only if something in them changes.
    let copy = state ? (shallowCopy(source) as Record<string, unknown>) : undefined;
    seen.set(object, copy ?? source);
    for (const key of Object.keys(source)) {
      const item = (source as Record<string, unknown>)[key];
      const plain = this.unwrap(item, seen);
      if (plain !== item || copy) {
        copy ??= shallowCopy(source) as Record<string, unknown>;
        copy[key] = plain;
      }
    }
    const result = copy ?? source;
    seen.set(object, result);
    return result;
  }

  /** A Map or Set copied on read holds views of this space: a new collection of plain entries. */
  private unwrapCollection(source: Map<unknown, unknown> | Set<unknown>, seen: Map<object, unknown>): unknown {
    if (source instanceof Map) {
      const result = new Map<unknown, unknown>();
      seen.set(source, result);
      for (const [key, entry] of source) result.set(this.unwrap(key, seen), this.unwrap(entry, seen));
      return result;
    }
    const result = new Set<unknown>();
    seen.set(source, result);
    for (const member of source) result.add(this.unwrap(member, seen));
    return result;
  }

  /**
   * Records that `child` was read from `parent`'s view, so a write at or below `child` marks the
   * path up to every root as written below (`materialize` then copies that path and keeps the
   * untouched rest original). A copied-on-read value counts as a write: its copy must be reached.
   */
  private link(parent: ViewState, child: unknown, handed: unknown): void {
    if (typeof handed !== "object" || handed === null) return;
    const state = this.views.get(handed);
    if (!state) {
      if (handed !== child && this.owned.has(handed)) this.markWrittenBelow(parent);
      return;
    }
    if (!(state.parents ??= []).includes(parent)) state.parents.push(parent);
    if (state.shadow || state.writtenBelow) this.markWrittenBelow(parent);
  }

  /** Flags `state` and every view above it as having a write below (stops where already flagged). */
  private markWrittenBelow(state: ViewState): void {
    const pending = [state];
    for (let next = pending.pop(); next; next = pending.pop()) {
      if (next.writtenBelow) continue;
      next.writtenBelow = true;
      if (next.parents) pending.push(...next.parents);
    }
  }

  /** One handler for every view of the space; each trap finds its view's state by the Proxy target. */
  private createHandler(): ProxyHandler<object> {
    const stateOf = (target: object) => this.states.get(target)!;
    const current = (target: object) => stateOf(target).shadow ?? target;
    const writable = (target: object) => {
      const state = stateOf(target);
      if (!state.shadow) {
        state.shadow = shallowCopy(target);
        if (state.parents) for (const parent of state.parents) this.markWrittenBelow(parent);
      }
      return state.shadow;
    };
    // Hands out the view (or copy) of a value read from `target`, linked to its parent.
    const child = (target: object, value: object) => {
      const handed = this.view(value);
      this.link(stateOf(target), value, handed);
      return handed;
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
        return child(target, value);
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
        if (!descriptor) return descriptor;
        const original = state.shadow ? Reflect.getOwnPropertyDescriptor(target, key) : descriptor;
        // Reported descriptors must stay configurable unless the target's own one is not.
        if (state.shadow && descriptor.configurable === false && (!original || original.configurable)) descriptor.configurable = true;
        // A descriptor's value is a read like `get`: hand out the view, not the original, or
        // writes through `Object.getOwnPropertyDescriptor(view, k).value` would reach the parent,
        // and a nested space copying this view (nested containers) would bypass its writes.
        // A non-writable, non-configurable property must report its own value (proxy invariant).
        const fixed = original?.configurable === false && original.writable === false;
        if (typeof descriptor.value === "object" && descriptor.value !== null && !fixed) descriptor.value = child(target, descriptor.value);
        return descriptor;
      },
    };
  }
}
