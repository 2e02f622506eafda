/**
 * Deep-copies a value the way Blok's `lodash.cloneDeep` calls need: plain objects, arrays, class
 * instances (prototype kept, own enumerable properties copied, so cloned node instances stay
 * runnable), `Date`, `RegExp`, `Map`, `Set`, `ArrayBuffer` and typed arrays; cycles and shared
 * references are preserved.
 *
 * Functions, errors, promises, weak collections and event targets (e.g. an `AbortSignal`) are
 * kept by reference: they hold state a property copy cannot reproduce. Unlike `structuredClone`,
 * this never throws on functions or class instances.
 *
 * @param value - what to copy.
 * @returns an independent copy of `value`.
 * @example
 * ```ts
 * const copy = deepClone({ nested: { n: 1 } });
 * copy.nested.n = 2; // the original still holds 1
 * ```
 */
export function deepClone<T>(value: T): T {
  return cloneValue(value, new Map()) as T;
}

/**
 * Deep copy of `array.slice(start, end)`, made in one pass: the slice is the only array allocated
 * (a slice of primitives is a complete copy already), and its objects are copied as
 * {@link deepClone} copies them, shared references among them preserved.
 *
 * @param array - the source, never written.
 * @param start - first index, as for `slice`.
 * @param end - end index (exclusive), as for `slice`.
 * @returns an independent copy of the range.
 * @example
 * ```ts
 * const batch = deepCloneSlice(items, 1000, 2000);
 * ```
 */
export function deepCloneSlice<T>(array: readonly T[], start: number, end: number): T[] {
  const copy = array.slice(start, end);
  let seen: Map<object, unknown> | undefined;
  for (let index = 0; index < copy.length; index++) {
    const value = copy[index];
    if (typeof value === "object" && value !== null) copy[index] = cloneValue(value, (seen ??= new Map())) as T;
  }
  return copy;
}

function cloneValue(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null || isKeptByReference(value)) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;

  if (value instanceof Date) return remember(seen, value, new Date(value.getTime()));
  if (value instanceof RegExp) {
    const copy = new RegExp(value.source, value.flags);
    copy.lastIndex = value.lastIndex;
    return remember(seen, value, copy);
  }
  if (value instanceof ArrayBuffer) return remember(seen, value, value.slice(0));
  if (ArrayBuffer.isView(value)) return remember(seen, value, cloneView(value));
  if (value instanceof Map) {
    const copy = remember(seen, value, new Map());
    for (const [key, entry] of value) copy.set(key, cloneValue(entry, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = remember(seen, value, new Set());
    for (const entry of value) copy.add(cloneValue(entry, seen));
    return copy;
  }
  if (Array.isArray(value)) {
    const copy = remember(seen, value, new Array<unknown>(value.length));
    for (let index = 0; index < value.length; index++) copy[index] = cloneValue(value[index], seen);
    return copy;
  }
  const source = value as Record<PropertyKey, unknown>;
  if (Object.getPrototypeOf(source) === Object.prototype) {
    // A spread copies the object's shape too (the copy is as compact as the original), and for-in
    // walks the shape's cached keys where Object.keys would allocate a key array per object.
    const copy = remember(seen, value, { ...source });
    for (const key in copy) {
      const entry = copy[key];
      if (typeof entry === "object" && entry !== null && Object.hasOwn(copy, key)) copy[key] = cloneValue(entry, seen);
    }
    return cloneSymbolKeyed(copy, source, seen);
  }
  const copy = remember(seen, value, Object.create(Object.getPrototypeOf(value)) as Record<PropertyKey, unknown>);
  for (const key of Object.keys(source)) copy[key] = cloneValue(source[key], seen);
  return cloneSymbolKeyed(copy, source, seen);
}

function cloneSymbolKeyed(copy: Record<PropertyKey, unknown>, source: Record<PropertyKey, unknown>, seen: Map<object, unknown>): Record<PropertyKey, unknown> {
  for (const symbol of Object.getOwnPropertySymbols(source)) {
    if (Object.prototype.propertyIsEnumerable.call(source, symbol)) copy[symbol] = cloneValue(source[symbol], seen);
  }
  return copy;
}

function isKeptByReference(value: object): boolean {
  return (
    value instanceof Error ||
    value instanceof Promise ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof EventTarget
  );
}

function cloneView(view: ArrayBufferView): ArrayBufferView {
  if (view instanceof DataView) return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  // Buffer and the typed arrays all have a copying `(source)` constructor; `slice` on a Buffer would share memory.
  const Constructor = view.constructor as new (source: ArrayBufferView) => ArrayBufferView;
  return Buffer.isBuffer(view) ? Buffer.from(view) : new Constructor(view);
}

function remember<T>(seen: Map<object, unknown>, original: object, copy: T): T {
  seen.set(original, copy);
  return copy;
}
