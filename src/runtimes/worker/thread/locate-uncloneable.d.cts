/** Where a structure stops being cloneable; see `locate-uncloneable.cjs`. */
export interface UncloneableValue {
  /** Path of the offending value, e.g. `ctx.request.socket._events.end`. */
  readonly path: string;
  /** What it is, e.g. `a function (onReadableStreamEnd)`. */
  readonly what: string;
  /** The nearest class instance around it (often the real culprit: a socket, a logger). */
  readonly owner?: { readonly path: string; readonly what: string };
}

export declare function locateUncloneable(
  value: unknown,
  path: string,
  /** The serializer (`structuredClone`, `v8.serialize`): throws when a value cannot cross. */
  trial: (value: unknown) => unknown,
): UncloneableValue | null;
