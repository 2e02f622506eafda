/** A document as JSON text, and what had to be changed to get there. */
export interface JsonText {
  /** One line of JSON (`null` for a value with no JSON form, such as `undefined`). */
  readonly text: string;
  /** Paths of the BigInt values, each printed as its decimal string, e.g. `results[1].total`. */
  readonly bigints: readonly string[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(parent: string, key: string, inArray: boolean): string {
  if (inArray) return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * `JSON.stringify` for the CLI's stdout. A BigInt, which `JSON.stringify` refuses (and with it the
 * whole document), is written as its decimal string (exact, unlike a number) and its path is
 * reported, so the rest of the result is kept and the caller can say where the value was.
 *
 * @param value the document
 * @returns the JSON text and the paths of the BigInts it held
 */
export function jsonText(value: unknown): JsonText {
  const bigints: string[] = [];
  // Paths of the objects met so far; a replacer sees its holder as `this`.
  const paths = new WeakMap<object, string>();
  const text = JSON.stringify(value, function (this: object, key: string, current: unknown) {
    const path = key === "" && paths.get(this) === undefined ? "" : childPath(paths.get(this) ?? "", key, Array.isArray(this));
    if (typeof current === "bigint") {
      bigints.push(path);
      return current.toString();
    }
    if (typeof current === "object" && current !== null) paths.set(current, path);
    return current;
  });
  return { text: text ?? "null", bigints };
}
