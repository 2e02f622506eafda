/** Where JSON text goes wrong: 1-based line and column, and the offending character (`undefined` at the end of the text). */
export type JsonErrorPosition = { line: number; column: number; found: string | undefined };

/**
 * Finds where JSON text stops being valid. Node 20's `JSON.parse` reports no position, so this
 * scans the text with a small recursive-descent checker of the JSON grammar.
 *
 * @param text - text that `JSON.parse` rejected.
 * @returns the position of the first offending character (one past the end for truncated input),
 * or `undefined` if the text is in fact valid.
 */
export function locateJsonError(text: string): JsonErrorPosition | undefined {
  let at = 0;
  // The scanner unwinds with the failing offset as the thrown value; only numbers are caught below.
  const fail = (): never => {
    throw at;
  };
  const skipSpace = (): void => {
    while (at < text.length && " \t\n\r".includes(text[at] as string)) at++;
  };
  const expect = (literal: string): void => {
    for (const char of literal) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = (): void => {
    expect('"');
    while (text[at] !== '"') {
      const char = text[at];
      if (char === undefined || char < " ") fail();
      if (char === "\\") {
        at++;
        if (text[at] === "u") {
          at++;
          for (let digit = 0; digit < 4; digit++, at++) if (!/[0-9a-fA-F]/.test(text[at] ?? "")) fail();
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[at] ?? "x")) fail();
      }
      at++;
    }
    at++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail();
    at += (match as RegExpExecArray)[0].length;
  };
  const list = (close: string, entry: () => void): void => {
    at++;
    skipSpace();
    if (text[at] === close) return void at++;
    for (;;) {
      entry();
      skipSpace();
      if (text[at] === close) return void at++;
      expect(",");
      skipSpace();
    }
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === "{") {
      return list("}", () => {
        skipSpace();
        string();
        skipSpace();
        expect(":");
        value();
      });
    }
    if (char === "[") return list("]", value);
    if (char === '"') return string();
    if (char === "t") return expect("true");
    if (char === "f") return expect("false");
    if (char === "n") return expect("null");
    return number();
  };

  try {
    value();
    skipSpace();
    if (at < text.length) fail();
    return undefined;
  } catch (offset) {
    if (typeof offset !== "number") throw offset;
    return positionOf(text, offset);
  }
}

function positionOf(text: string, offset: number): JsonErrorPosition {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n"), found: text[offset] };
}
