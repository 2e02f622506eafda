/** Where a structure stops being cloneable. */
export interface UncloneableValue {
  /** Path of the offending value, e.g. `ctx.request.socket._events.end`. */
  readonly path: string;
  /** What it is, e.g. `a function (onReadableStreamEnd)`. */
  readonly what: string;
  /** The nearest class instance around it (often the real culprit: a socket, a logger). */
  readonly owner?: { readonly path: string; readonly what: string };
}

/**
 * Finds the value that stops a structure from crossing a thread boundary, so an error can say
 * `ctx.logger.info is a function` instead of V8's bare "could not be cloned".
 *
 * It only runs after a clone has already failed, so its cost (one trial clone per visited node,
 * O(size x depth)) never touches the happy path. The caller's own serializer is the oracle:
 * `structuredClone` for what `postMessage` sends, `v8.serialize` for what the worker returns.
 * That keeps the answer exact instead of re-implementing the clone rules.
 *
 * Shared by the pool (main thread) and the thread entry.
 *
 * @param value the structure that failed to clone
 * @param path label of `value` in messages, e.g. `ctx`
 * @param trial the serializer: throws when `value` cannot cross
 * @returns the innermost offending value, with the nearest class instance around it (a socket, a
 *   logger...) because that is usually the thing to remove; null when `value` clones fine.
 */
export function locateUncloneable(value: unknown, path: string, trial: (value: unknown) => unknown): UncloneableValue | null {
  const canCross = (candidate: unknown): boolean => {
    try {
      trial(candidate);
      return true;
    } catch {
      return false;
    }
  };
  return search(value, path, canCross, new Set(), undefined);
}

type Owner = { readonly path: string; readonly what: string };

function search(value: unknown, path: string, canCross: (value: unknown) => boolean, seen: Set<object>, owner: Owner | undefined): UncloneableValue | null {
  if (canCross(value)) return null;
  if (typeof value === "object" && value !== null && !seen.has(value)) {
    seen.add(value);
    const here = isClassInstance(value) ? { path, what: describe(value) } : owner;
    for (const [key, child] of childrenOf(value)) {
      const found = search(child, path + key, canCross, seen, here);
      if (found !== null) return found;
    }
  }
  // No child is to blame, so this value itself cannot be cloned (a function, a Promise...).
  return owner === undefined ? { path, what: describe(value) } : { path, what: describe(value), owner };
}

/** Each child with the path suffix that reaches it. */
function* childrenOf(value: object): Iterable<[string, unknown]> {
  if (value instanceof Map) {
    for (const [key, child] of value) yield [`.get(${String(key)})`, child];
  } else if (value instanceof Set) {
    let i = 0;
    for (const child of value) yield [`<set item ${i++}>`, child];
  } else {
    for (const key of Object.keys(value)) {
      yield [Array.isArray(value) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`, (value as Record<string, unknown>)[key]];
    }
  }
}

function isClassInstance(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto !== null && proto !== Object.prototype && proto !== Array.prototype;
}

function describe(value: unknown): string {
  if (typeof value === "function") return value.name ? `a function (${value.name})` : "a function";
  if (typeof value === "symbol") return `a symbol (${value.description ?? ""})`;
  if (typeof value === "object" && value !== null) {
    const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === "string" && name !== "" ? `a ${name}` : "an object without prototype";
  }
  return `a ${typeof value}`;
}
