import type { Context, FunctionContext, VarsContext } from "./Context.js";
import { getPath } from "./getPath.js";

// Non-greedy: a placeholder ends at the first `}`, exactly like Blok's `/\${(.*?)}/g`.
const PLACEHOLDER = /\$\{(.*?)\}/g;
const EXPRESSION_PREFIX = "js/";

type Compiled = (ctx: Context, data: unknown, func: FunctionContext, vars: VarsContext) => unknown;

// Map mode evaluates the same few expressions once per item; compiling each once keeps that
// linear. Bounded so that ever-changing interpolated expressions cannot grow it without limit.
const compiled = new Map<string, Compiled>();
const COMPILED_LIMIT = 1000;

/**
 * Evaluates a JS expression with `ctx`, `data`, `func` and `vars` in scope (strict mode, only
 * globals besides those four), as Blok's `runJs` does. Throws whatever the expression throws.
 *
 * @param expression - a JS expression, e.g. `ctx.request.body.n + 1`.
 * @param ctx - the context.
 * @param data - `data` in the expression; `{}` when omitted.
 * @param func - `func` in the expression; `{}` when omitted.
 * @param vars - `vars` in the expression; `{}` when omitted.
 * @returns the expression's value.
 * @throws whatever evaluating `expression` throws (syntax errors included).
 * @example
 * ```ts
 * runJs("data.n * 2", ctx, { n: 21 }); // 42
 * ```
 */
export function runJs(
  expression: string,
  ctx: Context,
  data: unknown = {},
  func: FunctionContext = {},
  vars: VarsContext = {},
): unknown {
  let fn = compiled.get(expression);
  if (!fn) {
    fn = Function("ctx", "data", "func", "vars", `"use strict";return (${expression});`) as Compiled;
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(expression, fn);
  }
  return fn(ctx, data, func, vars);
}

/**
 * Maps one string the way Blok's mapper does (blok-compat 4.1):
 *
 * 1. every `${key}` is replaced by `get(data, key)` when truthy, otherwise by evaluating `key` as
 *    JS with `ctx`, `data` and empty `func`/`vars`; the replacement is string-coerced; a placeholder
 *    whose evaluation throws stays literally in the string;
 * 2. then, if the string starts with `js/`, the rest is evaluated as JS with `ctx`, `data`,
 *    `func = ctx.func` and `vars = ctx.vars` and its value (any type) replaces the string; if that
 *    throws, the string is kept.
 *
 * Failures never throw; they are logged at level `debug` through `ctx.logger` (Blok prints them
 * with `console.log`, which would corrupt a CLI's stdout).
 *
 * @param input - the string to map.
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see; Blok's first pass leaves it undefined (`{}` in scope).
 * @returns a string, or any value when a `js/` expression succeeded.
 * @example
 * ```ts
 * mapString("js/${ctx.request.body.n} + 1", ctx); // 3 when body.n is 2
 * ```
 */
export function mapString(input: string, ctx: Context, data?: unknown): unknown {
  let text = input;
  for (const placeholder of input.match(PLACEHOLDER) ?? []) {
    try {
      const key = placeholder.replace(/\$\{/g, "").replace(/\}/g, "");
      const value = getPath(data, key) || runJs(key, ctx, data);
      text = text.replace(placeholder, () => String(value));
    } catch (error) {
      report(ctx, "Mapper Error 1", error);
    }
  }
  if (!text.startsWith(EXPRESSION_PREFIX)) return text;
  try {
    return runJs(text.slice(EXPRESSION_PREFIX.length), ctx, data, ctx.func, ctx.vars);
  } catch (error) {
    report(ctx, "Mapper Error 2", error);
    return text;
  }
}

/**
 * Maps every string inside `value` with {@link mapString}. Arrays and plain objects are mapped
 * **in place** (as Blok's passes do) and returned; a string is returned mapped; anything else is
 * returned untouched. Class instances (such as resolved child nodes inside `conditions`) are not
 * entered, so mapping never rewrites a node's own fields.
 *
 * @param value - a node config, or any part of one.
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see.
 * @returns the mapped value (the same object for arrays and plain objects).
 * @example
 * ```ts
 * const config = { inputs: { n: "js/ctx.vars.count" } };
 * mapValue(config, ctx); // config.inputs.n is now ctx.vars.count
 * ```
 */
export function mapValue(value: unknown, ctx: Context, data?: unknown): unknown {
  if (typeof value === "string") return mapString(value, ctx, data);
  if (isContainer(value)) mapEntries(value, ctx, data, undefined);
  return value;
}

/**
 * The slots Blok's first mapping pass rewrote, by container (the array or object, as the pass
 * saw it) and key (an index for arrays): the second pass keeps what they hold now, and maps every
 * other string again with `data` (see `mapInputs`).
 */
export type FirstPassRecord = ReadonlyMap<object, ReadonlySet<string | number>>;

/**
 * Blok's first mapping pass (blok-compat 4.2): maps `config` **in place** with no `data`, like
 * {@link mapValue}, and records which slots it rewrote. The record replaces a deep copy of the
 * config taken before the pass: the second pass only needs to know which strings the first one
 * resolved.
 *
 * @param config - `ctx.config[name]`, mapped in place.
 * @param ctx - the context expressions see.
 * @returns the slots the pass rewrote (empty when nothing resolved).
 * @example
 * ```ts
 * const firstPass = mapFirstPass(ctx.config[name], ctx);
 * const inputs = mapInputs(ctx.config[name], firstPass, ctx, mapperData(ctx));
 * ```
 */
export function mapFirstPass(config: unknown, ctx: Context): FirstPassRecord {
  const record = new Map<object, Set<string | number>>();
  if (isContainer(config)) mapEntries(config, ctx, undefined, record);
  return record;
}

/**
 * The `data` Blok's second mapping pass uses: the previous step's output, or the request body when
 * that output is falsy.
 *
 * @param ctx - the context.
 * @returns `ctx.response.data || ctx.request.body`.
 */
export function mapperData(ctx: Context): unknown {
  return ctx.response?.data || ctx.request?.body;
}

// Index loops and for-in: `Object.keys` would allocate a key array per object, and an index
// string per element of an array (a million of them for a large literal array in a config).
function mapEntries(container: Record<string, unknown>, ctx: Context, data: unknown, record: Map<object, Set<string | number>> | undefined): void {
  if (Array.isArray(container)) {
    for (let index = 0; index < container.length; index++) mapEntry(container, index, ctx, data, record);
    return;
  }
  for (const key in container) if (Object.hasOwn(container, key)) mapEntry(container, key, ctx, data, record);
}

function mapEntry(container: Record<string | number, unknown>, key: string | number, ctx: Context, data: unknown, record: Map<object, Set<string | number>> | undefined): void {
  const entry = container[key];
  if (typeof entry === "string") {
    const mapped = mapString(entry, ctx, data);
    if (mapped === entry) return;
    container[key] = mapped;
    if (record) {
      let keys = record.get(container);
      if (!keys) record.set(container, (keys = new Set()));
      keys.add(key);
    }
  } else if (isContainer(entry)) mapEntries(entry, ctx, data, record);
}

/** Arrays and plain objects: what the mapper enters (class instances are left alone). */
export function isContainer(value: unknown): value is Record<string, unknown> {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function report(ctx: Context, label: string, error: unknown): void {
  ctx.logger?.logLevel("debug", `${label}: ${error instanceof Error ? error.message : String(error)}`);
}
