import type { Context, FunctionContext, VarsContext } from "../contracts/Context.js";

/** What a string written in a workflow means to the mapper; built once per distinct string. */
export type Template =
  /** No placeholder and no `js/` prefix: plain text, returned as is. */
  | { readonly kind: "text" }
  /** A string the mapper cannot accept (for instance an empty `${}`). */
  | { readonly kind: "invalid"; readonly problem: string }
  /** Text with `${...}` placeholders: always yields a string, which is data. */
  | { readonly kind: "interpolation"; readonly literals: readonly string[]; readonly placeholders: readonly Placeholder[]; readonly safe: boolean }
  /** Code as written: a `js/` expression, or an if-else condition holding placeholders. */
  | { readonly kind: "expression"; readonly code: Code; readonly placeholders: readonly Placeholder[]; readonly safe: boolean };

/** One `${key}` as written: `key` is read from `data` first, else evaluated as JS. */
export type Placeholder = { readonly text: string; readonly key: string; readonly code: Code; readonly safe: boolean };

type Compiled = (ctx: Context, data: unknown, func: FunctionContext, vars: VarsContext, values: readonly unknown[]) => unknown;

/** JS source compiled on first use (a syntax error is thrown then, by every call). */
export class Code {
  private compiled: Compiled | undefined;
  constructor(readonly source: string) {}

  /** Runs the code with the four Blok names in scope and the placeholders' values bound. */
  run(ctx: Context, data: unknown, func: FunctionContext, vars: VarsContext, values: readonly unknown[] = NO_VALUES): unknown {
    this.compiled ??= Function("ctx", "data", "func", "vars", VALUES, `"use strict";return (${this.source});`) as Compiled;
    return this.compiled(ctx, data, func, vars, values);
  }
}

/** Where an expression receives the values of the placeholders written inside it. */
const VALUES = "__blokPlaceholderValues";
const NO_VALUES: readonly unknown[] = [];
const EXPRESSION_PREFIX = "js/";
// Non-greedy: a placeholder ends at the first `}`, exactly like Blok's `/\${(.*?)}/g`.
const PLACEHOLDER = /\$\{(.*?)\}/g;

// Map mode maps the same few strings once per item: parsing each once keeps that linear. Bounded
// so that ever-changing strings cannot grow the caches without limit.
const TEXT: Template = { kind: "text" };
const CACHE_LIMIT = 5000;
const CACHED_LENGTH_LIMIT = 4096;
const values = new Map<string, Template>();
const conditions = new Map<string, Template>();
const codes = new Map<string, Code>();

/**
 * The meaning of a string as written in a workflow (see docs/security.md):
 *
 * - starts with `js/`: the rest is a JS expression; a `${key}` inside it stands for the *value* of
 *   `key` (bound, never spliced into the source);
 * - holds `${key}` placeholders: each is evaluated and its text inserted; the result is data;
 * - anything else is text.
 *
 * With `condition`, the string is an if-else `condition` (code as written, evaluated by if-else):
 * when it holds placeholders it is an expression too, with their values bound.
 *
 * @param text - the string as written.
 * @param condition - whether it sits in a `conditions[i].condition` slot.
 * @returns its (cached) template.
 */
export function templateOf(text: string, condition: boolean): Template {
  // Plain text (most strings of a config, and every string of a dataset in it) skips the cache.
  if (!text.startsWith(EXPRESSION_PREFIX) && !text.includes("${")) return TEXT;
  // A very long string is parsed each time rather than kept alive by the cache.
  if (text.length > CACHED_LENGTH_LIMIT) return parse(text, condition);
  const cache = condition ? conditions : values;
  let template = cache.get(text);
  if (template === undefined) {
    template = parse(text, condition);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, template);
  }
  return template;
}

/** The (cached) compiled form of a JS expression written by a workflow author. */
export function codeOf(source: string): Code {
  let code = codes.get(source);
  if (code === undefined) {
    code = new Code(source);
    if (codes.size >= CACHE_LIMIT) codes.clear();
    codes.set(source, code);
  }
  return code;
}

/**
 * Whether evaluating `source` may run long, or change state (and so needs the watchdog, see
 * mapper.ts). `false` only for expressions that read, compare and compute: no loop or function
 * keyword, no `new`, no template literal, no assignment or increment, and calls only of builtins
 * that take time linear in the data they are given (`toUpperCase`, `map`, `reduce`,
 * `JSON.stringify`, `Math.max`...; not regular expressions, `repeat`, `padStart`, `Array.from`,
 * nor anything that mutates its receiver), and arrow callbacks with no call inside. Such an
 * expression finishes in time proportional to its data and can be evaluated twice.
 *
 * @param source - a JS expression as written.
 */
export function mayRunLong(source: string): boolean {
  const code = withoutStringContents(source);
  if (code === undefined || STATEMENTS.test(code) || ASSIGNMENT.test(code)) return true;
  // A callback runs once per element: with a call (or another callback) inside, the work is no
  // longer linear (`a.map((x) => b.includes(x))` is quadratic), so its body may hold none.
  for (let arrow = code.indexOf("=>"); arrow !== -1; arrow = code.indexOf("=>", arrow + 2)) {
    for (let at = arrow + 2, depth = 0; at < code.length && depth >= 0; at++) {
      const char = code[at];
      if (char === "(") return true;
      if (char === ")") depth--;
      else if (char === "=" && code[at + 1] === ">") return true;
    }
  }
  for (let at = code.indexOf("("); at !== -1; at = code.indexOf("(", at + 1)) {
    let end = at;
    while (end > 0 && code[end - 1] === " ") end--;
    const before = code[end - 1];
    if (before === undefined || !/[\w$.)\]]/.test(before)) continue; // grouping, not a call
    if (before === ")" || before === "]" || before === ".") return true; // calling a computed value
    let start = end;
    while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    const name = code.slice(start, end);
    if (GROUPING_KEYWORDS.has(name)) continue;
    let dot = start;
    while (dot > 0 && code[dot - 1] === " ") dot--;
    const allowed = code[dot - 1] === "." ? LINEAR_METHODS : LINEAR_FUNCTIONS;
    if (!allowed.has(name)) return true;
  }
  return false;
}

const STATEMENTS = /\b(?:while|for|do|function|class|new|eval|Function|import|async|await|yield|with|debugger)\b/;
const ASSIGNMENT = /\+\+|--|<<=|>>=|(?<![=!<>])=(?![=>])/;
const GROUPING_KEYWORDS = new Set(["typeof", "void", "in", "of", "instanceof", "return", "case", "delete"]);
// Methods whose time is linear in their receiver and arguments, and that never mutate the receiver.
const LINEAR_METHODS = new Set([
  "toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase", "trim", "trimStart", "trimEnd",
  "slice", "substring", "substr", "at", "charAt", "charCodeAt", "codePointAt", "includes", "indexOf", "lastIndexOf",
  "startsWith", "endsWith", "concat", "join", "toString", "toFixed", "toPrecision", "valueOf", "normalize",
  "keys", "values", "entries", "fromEntries", "map", "filter", "reduce", "reduceRight", "find", "findIndex",
  "findLast", "findLastIndex", "some", "every", "flat", "flatMap", "forEach", "isArray", "isInteger", "isFinite",
  "isNaN", "isSafeInteger", "stringify", "parse", "hasOwn", "hasOwnProperty", "getTime", "toISOString",
  "max", "min", "round", "floor", "ceil", "abs", "sign", "trunc", "sqrt", "cbrt", "log", "log10", "log2", "exp", "pow", "random", "now",
]);
const LINEAR_FUNCTIONS = new Set(["String", "Number", "Boolean", "BigInt", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI"]);

/** `source` with the contents of its quoted strings removed; `undefined` when it holds a template literal. */
function withoutStringContents(source: string): string | undefined {
  let out = "";
  let quote = "";
  for (let position = 0; position < source.length; position++) {
    const char = source[position]!;
    if (quote === "") {
      if (char === "`") return undefined;
      if (char === "'" || char === '"') quote = char;
      out += char;
    } else if (char === "\\") position++;
    else if (char === quote) {
      quote = "";
      out += char;
    }
  }
  return out;
}

function parse(text: string, condition: boolean): Template {
  const isExpression = text.startsWith(EXPRESSION_PREFIX);
  if (!isExpression && !text.includes("${")) return TEXT;
  const body = isExpression ? text.slice(EXPRESSION_PREFIX.length) : text;
  const matches = [...body.matchAll(PLACEHOLDER)];
  if (!isExpression && matches.length === 0) return TEXT;
  const placeholders: Placeholder[] = [];
  for (const match of matches) {
    // Blok strips every `${` and `}` from the key.
    const key = match[1]!.replace(/\$\{/g, "");
    if (key.trim() === "") {
      return { kind: "invalid", problem: `'${match[0]}' is an empty placeholder: write an expression inside it, e.g. \${ctx.request.body.name}` };
    }
    placeholders.push({ text: match[0], key, code: codeOf(key), safe: !mayRunLong(key) });
  }
  const placeholdersSafe = placeholders.every((placeholder) => placeholder.safe);
  if (isExpression || condition) {
    const withoutPlaceholders = body.replace(PLACEHOLDER, "0");
    return { kind: "expression", code: codeOf(bindPlaceholders(body, matches)), placeholders, safe: placeholdersSafe && !mayRunLong(withoutPlaceholders) };
  }
  const literals: string[] = [];
  let from = 0;
  for (const match of matches) {
    literals.push(body.slice(from, match.index));
    from = match.index! + match[0].length;
  }
  literals.push(body.slice(from));
  return { kind: "interpolation", literals, placeholders, safe: placeholdersSafe };
}


/**
 * Rewrites each placeholder of an expression into a reference to its value, fitting where it
 * stands: in code `(values[i])`; inside a quoted string the string is closed, the value's text
 * concatenated and the string reopened; inside a template literal `${values[i]}`. So a value is
 * never read as source, whatever characters it holds.
 */
function bindPlaceholders(source: string, matches: readonly RegExpMatchArray[]): string {
  let out = "";
  let quote = ""; // the open string's quote character, "" in code
  let position = 0;
  let next = 0;
  while (position < source.length) {
    // A placeholder that began inside an escape sequence stays text; its value goes unused.
    while (matches[next] !== undefined && matches[next]!.index! < position) next++;
    const match = matches[next];
    if (match !== undefined && match.index === position) {
      const ref = `${VALUES}[${next}]`;
      out += quote === "" ? `(${ref})` : quote === "`" ? `\${${ref}}` : `${quote}+String(${ref})+${quote}`;
      position += match[0].length;
      next++;
      continue;
    }
    const char = source[position]!;
    out += char;
    position++;
    if (quote !== "" && char === "\\" && position < source.length) {
      out += source[position];
      position++;
    } else if (quote === "" && (char === "'" || char === '"' || char === "`")) quote = char;
    else if (char === quote) quote = "";
  }
  return out;
}
