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
 * To reproduce Blok's two passes on a node config: `mapValue(config, ctx)` in place first, then
 * `mapValue(deepClone(config), ctx, mapperData(ctx))`.
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
  if (isContainer(value)) mapEntries(value, ctx, data);
  return value;
}

/**
 * Blok's second mapping pass, driven by the config as it was before the first pass: a string the
 * first pass left unchanged (it failed, or needed `data`) is mapped again with `data`; whatever
 * the first pass resolved is kept as is. Stock Blok instead deep-copies the first pass's result and
 * maps every string inside it, so data produced by an expression (a dataset pulled in with
 * `js/ctx.vars.x`) is copied on every step and its strings are read as templates: a record whose
 * text starts with `js/` would be executed. Every outcome of blok-compat section 4.2 is the same.
 *
 * New arrays and objects are built along the template, so `ctx.config` keeps its first-pass result
 * untouched; values an expression produced are shared, not copied; everything else comes from the
 * template, which is already a private deep copy.
 *
 * @param template - the node config before the first pass.
 * @param firstPass - the same config after the first pass (`ctx.config[name]`).
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see (see {@link mapperData}).
 * @returns the config `handle` gets its `inputs` from.
 * @example
 * ```ts
 * const template = deepClone(ctx.config[name]);
 * mapValue(ctx.config[name], ctx);
 * const options = mapSecondPass(template, ctx.config[name], ctx, mapperData(ctx));
 * ```
 */
export function mapSecondPass(template: unknown, firstPass: unknown, ctx: Context, data: unknown): unknown {
  if (typeof template === "string") return firstPass === template ? mapString(template, ctx, data) : firstPass;
  // The first pass never enters anything else, so the template's own copy is what Blok's deep copy
  // would give (resolved child nodes under `conditions` must be clones, not the configured ones).
  if (!isContainer(template) || !isContainer(firstPass) || Array.isArray(template) !== Array.isArray(firstPass)) return template;
  const out: Record<string, unknown> = Array.isArray(firstPass) ? (new Array(firstPass.length) as never) : {};
  for (const key of Object.keys(firstPass)) {
    out[key] = Object.hasOwn(template, key) ? mapSecondPass(template[key], firstPass[key], ctx, data) : firstPass[key];
  }
  return out;
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

function mapEntries(container: Record<string, unknown>, ctx: Context, data: unknown): void {
  for (const key of Object.keys(container)) {
    const entry = container[key];
    if (typeof entry === "string") container[key] = mapString(entry, ctx, data);
    else if (isContainer(entry)) mapEntries(entry, ctx, data);
  }
}

function isContainer(value: unknown): value is Record<string, unknown> {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function report(ctx: Context, label: string, error: unknown): void {
  ctx.logger?.logLevel("debug", `${label}: ${error instanceof Error ? error.message : String(error)}`);
}
