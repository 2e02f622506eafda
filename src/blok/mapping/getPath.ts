// Property names, `[0]` indexes and quoted `["key"]` segments, as lodash's `stringToPath` reads them.
const SEGMENT = /[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]/g;

/**
 * Reads `path` (`a.b[0]["c"]`) from `source` like `lodash.get`, which Blok's `${...}` interpolation
 * tries before evaluating the placeholder as JS. A key that exists verbatim (dots included) wins.
 *
 * @returns the value, or `undefined` when any link is missing.
 */
export function getPath(source: unknown, path: string): unknown {
  if (source === null || source === undefined) return undefined;
  const root = Object(source) as Record<string, unknown>;
  if (path in root) return root[path];
  let current: unknown = source;
  for (const match of path.matchAll(SEGMENT)) {
    if (current === null || current === undefined) return undefined;
    const key = match[1] ?? (match[2] ? (match[3] ?? "").replace(/\\(.)/g, "$1") : match[0]);
    current = (Object(current) as Record<string, unknown>)[key];
  }
  return current;
}
