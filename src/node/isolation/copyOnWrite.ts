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

/** Answered by every view's `get` trap with its state: how a space recognizes an enclosing space's views. */
const VIEW = Symbol("copy-on-write view");

interface ViewState {
  /** The space that handed the view out. */
  readonly space: CowSpace;
  /** What the Proxy wraps: an object as the outermost space holds it, never another space's view (see {@link CowSpace.nestIn}). */
  readonly target: object;
  /** What reads see until this space writes: the nearest enclosing space's version of `target` (its copy), or `target`. */
  readonly source: object;
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
 *
 * Nested containers: a child that is itself a container gives its children spaces nested in its
 * own ({@link CowSpace.nestIn}). A nested space never wraps an enclosing space's view: it wraps
 * the object under it and reads the nearest enclosing space's copy of it, so a read costs one
 * trap at any depth (a view of a view of a view... made every trap, and V8's invariant check of
 * it, run the level below: the work doubled per level).
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
  // original -> this space's version of it (a written view's copy, a copied-on-read value's copy):
  // what spaces nested in this one read instead of the original
  private readonly versions = new Map<object, object>();
  // the enclosing spaces, and their `versions`, nearest first
  private enclosing: readonly CowSpace[] = [];
  private lineage: readonly Map<object, object>[] = [];
  private readonly handler: ProxyHandler<object> = this.createHandler();

  /**
   * The space that handed out `value`, if it is a copy-on-write view (of this module).
   *
   * @param value - anything.
   * @returns its space, or `undefined` for anything that is not a view.
   */
  static spaceOf(value: unknown): CowSpace | undefined {
    return viewState(value)?.space;
  }

  /**
   * The object a view stands for, as the outermost space holds it (the value itself when it is
   * not a view): the same object for every view of it, at every nesting depth.
   */
  static originalOf<T>(value: T): T {
    let current: unknown = value;
    for (let state = viewState(current); state; state = viewState(current)) current = state.target;
    return current as T;
  }

  /** How many spaces enclose this one (0 for a top-level child). */
  get depth(): number {
    return this.enclosing.length;
  }

  /**
   * Nests this space in `outer`: the space of a child whose context is built from a context that
   * holds `outer`'s views (a container running as `outer`'s child). Its views then wrap what
   * `outer`'s views wrap and read `outer`'s copies (and those of the spaces around it): writes
   * `outer` made before this call are seen, writes made here never reach `outer`. Call it before
   * the first view; views of spaces that do not enclose this one are wrapped like any object.
   *
   * @throws {Error} when this space has already handed out views, or would enclose itself.
   */
  nestIn(outer: CowSpace): void {
    if (this.views.size > 0 || this.handedOut.size > 0) throw new Error("CowSpace.nestIn() must be called before the space hands out any view");
    if (outer === this || outer.enclosing.includes(this)) throw new Error("CowSpace.nestIn(): a space cannot enclose itself");
    this.enclosing = [outer, ...outer.enclosing];
    this.lineage = [outer.versions, ...outer.lineage];
  }

  /**
   * The copy-on-write view of `value` in this space (the same view for the same object every
   * time, whether it is reached as the original or as an enclosing space's view of it).
   * Primitives, functions, frozen objects, class instances and the child's own objects come back
   * unchanged.
   */
  view<T>(value: T): T {
    if (typeof value !== "object" || value === null) return value;
    const object = value as object;
    const known = this.handedOut.get(object);
    if (known) return known as T;
    if (this.views.has(object) || this.owned.has(object)) return value;
    const base = this.baseOf(object);
    if (base !== object) {
      const handed = this.handedOut.get(base);
      if (handed) return handed as T;
    }
    return this.wrap(base) as T;
  }

  /** What an enclosing space's view stands for (its target); anything else as it is. */
  private baseOf(object: object): object {
    if (this.enclosing.length === 0) return object;
    const state = viewState(object);
    return state && this.enclosing.includes(state.space) ? state.target : object;
  }

  /** The nearest enclosing space's version of `base`, or `base` itself. */
  private sourceOf(base: object): object {
    for (const versions of this.lineage) {
      const version = versions.get(base);
      if (version) return version;
    }
    return base;
  }

  /** Hands out a new view of (or a copy for) an object not seen in this space yet. */
  private wrap(base: object): object {
    const source = this.sourceOf(base);
    if (isCopiedOnRead(source)) {
      const copy = copyOnRead(source, (entry) => this.view(entry));
      this.handedOut.set(base, copy);
      this.versions.set(base, copy);
      this.owned.add(copy);
      return copy;
    }
    if (!isPlainContainer(source) || Object.isFrozen(source)) return base;
    const state: ViewState = { space: this, target: base, source, shadow: undefined, parents: undefined, writtenBelow: false };
    const proxy = new Proxy(base, this.handler);
    this.states.set(base, state);
    this.views.set(proxy, state);
    this.handedOut.set(base, proxy);
    return proxy;
  }

  /**
   * Turns a value that may hold views back into plain data: an unwritten view becomes the original
   * object (no copy), a written one its private copy, recursively. Use it before handing a value
   * to anything that clones (`structuredClone`, a worker thread) or that must outlive the child.
   *
   * In a nested space, "the original" is what the enclosing space's child sees: its view of the
   * object (so the result is that child's data, as it would have read it, and stays isolated from
   * the original); the enclosing space's own `materialize` turns it into plain data in turn.
   */
  materialize<T>(value: T): T {
    return this.unwrap(value, new Map()) as T;
  }

  /** An object as the enclosing space's child sees it: its view (a top-level space: the object). */
  private lift(base: object): object {
    const outer = this.enclosing[0];
    return outer ? outer.view(base) : base;
  }

  private unwrap(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value !== "object" || value === null) return value;
    const object = value as object;
    if (seen.has(object)) return seen.get(object);
    // A copy's slots hold originals; the child's writes to them live in the views handed out for them.
    // An enclosing space's view is already what the enclosing child sees, unless this space has its own view of it.
    const base = this.baseOf(object);
    const handed = this.handedOut.get(base);
    if (handed) return this.unwrap(handed, seen);
    if (base !== object) return object;
    const state = this.views.get(object);
    // A view with no write in or below it stands for an all-original subtree: no copy.
    if (state && !state.shadow && !state.writtenBelow) return this.lift(state.target);
    const own = this.owned.has(object);
    const source = state ? (state.shadow ?? state.source) : object;
    if (own && (source instanceof Map || source instanceof Set)) return this.unwrapCollection(source, seen);
    if (!isPlainContainer(source)) return own ? source : this.lift(source);
    // A written view is copied up front, so cycles through it point at the copy. The child's own
    // objects (and originals it holds) are copied only if something in them changes.
    let copy = state ? (shallowCopy(source) as Record<string, unknown>) : undefined;
    const unchanged = () => (own ? source : this.lift(source));
    seen.set(object, copy ?? unchanged());
    for (const key of Object.keys(source)) {
      const item = (source as Record<string, unknown>)[key];
      const plain = this.unwrap(item, seen);
      if (plain !== item || copy) {
        copy ??= shallowCopy(source) as Record<string, unknown>;
        copy[key] = plain;
      }
    }
    const result = copy ?? unchanged();
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
    const current = (target: object) => {
      const state = stateOf(target);
      return state.shadow ?? state.source;
    };
    const writable = (target: object) => {
      const state = stateOf(target);
      if (!state.shadow) {
        // From the enclosing space's version: a nested child writes on top of what it read.
        state.shadow = shallowCopy(state.source);
        this.versions.set(target, state.shadow);
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
    // An enclosing space's view stored here is not the child's own: read back, it gets this space's view.
    const remember = (value: unknown) => {
      if (typeof value === "object" && value !== null && !this.views.has(value) && this.baseOf(value) === value) this.owned.add(value);
    };
    return {
      get: (target, key, receiver) => {
        const state = stateOf(target);
        if (key === VIEW) return state;
        const source = state.shadow ?? state.source;
        const value = Reflect.get(source, key, receiver) as unknown;
        if (typeof value !== "object" || value === null) return value;
        // Proxy invariant: a non-writable, non-configurable data property must read as itself.
        const own = source === target ? Reflect.getOwnPropertyDescriptor(target, key) : undefined;
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
        const source = current(target);
        const descriptor = Reflect.getOwnPropertyDescriptor(source, key);
        if (!descriptor) return descriptor;
        const diverged = source !== target;
        const original = diverged ? Reflect.getOwnPropertyDescriptor(target, key) : descriptor;
        // Reported descriptors must stay configurable unless the target's own one is not.
        if (diverged && descriptor.configurable === false && (!original || original.configurable)) descriptor.configurable = true;
        // A descriptor's value is a read like `get`: hand out the view, not the original, or
        // writes through `Object.getOwnPropertyDescriptor(view, k).value` would reach the parent.
        // A non-writable, non-configurable property must report its own value (proxy invariant).
        const fixed = original?.configurable === false && original.writable === false;
        if (typeof descriptor.value === "object" && descriptor.value !== null && !fixed) descriptor.value = child(target, descriptor.value);
        return descriptor;
      },
    };
  }
}

/** The state behind a view of this module, read through its `get` trap; `undefined` for anything else. */
function viewState(value: unknown): ViewState | undefined {
  if (typeof value !== "object" || value === null || !isPlainContainer(value)) return undefined;
  return (value as { [VIEW]?: ViewState })[VIEW];
}
