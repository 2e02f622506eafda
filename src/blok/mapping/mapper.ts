import type { Context, FunctionContext, VarsContext } from "../contracts/Context.js";
import { ExpressionTimeoutError } from "./errors.js";
import { expressionTimeoutOf, isGuarded, isInterruption, runGuarded } from "./expressionLimit.js";
import { getPath } from "./getPath.js";
import { MappingError } from "./errors.js";
import { codeOf, mayRunLong, type Placeholder, type Template, templateOf } from "./template.js";

/**
 * Evaluates a JS expression with `ctx`, `data`, `func` and `vars` in scope (strict mode, only
 * globals besides those four), as Blok's `runJs` does, within the expression time limit of `ctx`
 * (see `setExpressionTimeout`). Throws whatever the expression throws.
 *
 * @param expression - a JS expression, e.g. `ctx.request.body.n + 1`.
 * @param ctx - the context.
 * @param data - `data` in the expression; `{}` when omitted.
 * @param func - `func` in the expression; `{}` when omitted.
 * @param vars - `vars` in the expression; `{}` when omitted.
 * @param step - the step it belongs to, for the time-limit error.
 * @returns the expression's value.
 * @throws whatever evaluating `expression` throws (syntax errors included);
 * {@link ExpressionTimeoutError} when it runs past the limit.
 * @example
 * ```ts
 * runJs("data.n * 2", ctx, { n: 21 }); // 42
 * ```
 */
export function runJs(expression: string, ctx: Context, data: unknown = {}, func: FunctionContext = {}, vars: VarsContext = {}, step = UNNAMED): unknown {
  const code = codeOf(expression);
  if (isGuarded() || !mayRunLong(expression)) return code.run(ctx, data, func, vars);
  const limitMs = expressionTimeoutOf(ctx);
  try {
    return runGuarded(limitMs, () => code.run(ctx, data, func, vars));
  } catch (error) {
    if (isInterruption(error)) throw new ExpressionTimeoutError(step, expression.length > 60 ? `${expression.slice(0, 57)}...` : expression, limitMs, { cause: error });
    throw error;
  }
}

/**
 * Maps one string as written in a workflow (the rules are in docs/security.md):
 *
 * 1. `js/<expression>`: the expression is evaluated with `ctx`, `data`, `func = ctx.func` and
 *    `vars = ctx.vars` and its value (any type) replaces the string; a `${key}` inside it stands
 *    for the value of `key`. If it throws, the string is kept.
 * 2. otherwise every `${key}` is replaced by `get(data, key)` when truthy, else by evaluating `key`
 *    as JS with `ctx`, `data` and empty `func`/`vars`; the replacement is string-coerced; a
 *    placeholder whose evaluation throws stays literally in the string.
 *
 * What a substitution produces is data: it is never read as `js/`, nor scanned for `${...}`
 * again. Evaluation failures are logged at level `debug` through `ctx.logger` (Blok prints them
 * with `console.log`, which would corrupt a CLI's stdout).
 *
 * @param input - the string to map.
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see; Blok's first pass leaves it undefined (`{}` in scope).
 * @returns a string, or any value when a `js/` expression succeeded.
 * @throws {@link MappingError} for an empty `${}`; {@link ExpressionTimeoutError} past the time limit.
 * @example
 * ```ts
 * mapString("js/${ctx.request.body.n} + 1", ctx); // 3 when body.n is 2
 * ```
 */
export function mapString(input: string, ctx: Context, data?: unknown): unknown {
  const pass = new MappingPass(ctx, data, true, UNNAMED);
  return pass.run(() => pass.text(input, false));
}

/**
 * Maps every string inside `value` with the rules of {@link mapString}. Arrays and plain objects
 * are mapped **in place** (as Blok's passes do) and returned; a string is returned mapped;
 * anything else is returned untouched. Class instances (such as resolved child nodes inside
 * `conditions`) are not entered, so mapping never rewrites a node's own fields. A slot any pass
 * already rewrote holds data and is left alone.
 *
 * @param value - a node config, or any part of one.
 * @param ctx - the context expressions see.
 * @param data - the `data` expressions see.
 * @returns the mapped value (the same object for arrays and plain objects).
 * @throws as {@link mapString}.
 * @example
 * ```ts
 * const config = { inputs: { n: "js/ctx.vars.count" } };
 * mapValue(config, ctx); // config.inputs.n is now ctx.vars.count
 * ```
 */
export function mapValue(value: unknown, ctx: Context, data?: unknown): unknown {
  const pass = new MappingPass(ctx, data, true, UNNAMED);
  if (typeof value === "string") return pass.run(() => pass.text(value, false));
  if (isContainer(value)) pass.run(() => pass.inPlace(value, undefined, ROOT));
  return value;
}

/**
 * The slots Blok's first mapping pass rewrote, by container (the array or object, as the pass
 * saw it) and key (an index for arrays): the second pass keeps what they hold now, and maps every
 * other string again with `data` (see `mapInputs`).
 */
export type FirstPassRecord = ReadonlyMap<object, ReadonlySet<string | number>>;

/**
 * Blok's first mapping pass: maps `config` **in place** with no `data`, like
 * {@link mapValue}, and records which slots it rewrote. A string whose evaluation fails here is
 * left exactly as written, for the second pass to map whole with `data`.
 *
 * @param config - `ctx.config[name]`, mapped in place.
 * @param ctx - the context expressions see.
 * @param step - the step's name, for errors.
 * @returns the slots the pass rewrote (empty when nothing resolved).
 * @throws {@link MappingError}, {@link ExpressionTimeoutError}.
 * @example
 * ```ts
 * const firstPass = mapFirstPass(ctx.config[name], ctx, name);
 * const inputs = mapInputs(ctx.config[name], firstPass, ctx, mapperData(ctx), "copy", name);
 * ```
 */
export function mapFirstPass(config: unknown, ctx: Context, step = UNNAMED): FirstPassRecord {
  const record = new Map<object, Set<string | number>>();
  if (isContainer(config)) {
    const pass = new MappingPass(ctx, undefined, false, step);
    pass.run(() => pass.inPlace(config, record, ROOT));
  }
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

/** Arrays and plain objects: what the mapper enters (class instances are left alone). */
export function isContainer(value: unknown): value is Record<string, unknown> {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Where a container sits in a node config: if-else `condition` strings are code as written. */
export type Role = 0 | 1 | 2 | 3;
/** The node config itself. */
export const ROOT: Role = 0;
/** Anywhere below, outside `conditions`. */
export const NESTED: Role = 1;
/** The node config's `conditions` array. */
export const CONDITIONS: Role = 2;
/** One entry of it: its `condition` string is an if-else condition. */
export const CONDITION_ENTRY: Role = 3;

/** The role of `container[key]`'s value, `container` having `role`. */
export function roleOf(role: Role, key: string | number): Role {
  if (role === ROOT) return key === "conditions" ? CONDITIONS : NESTED;
  return role === CONDITIONS ? CONDITION_ENTRY : NESTED;
}

// Slots holding what a pass produced, in whatever config they sit: data, which no later pass may
// read as a template (a step run twice on the same config, a pass over a mapped config).
const dataSlots = new WeakMap<object, Set<string | number>>();

/** @returns the keys of `container` that hold mapping results (data), if any. */
export function dataSlotsOf(container: object): ReadonlySet<string | number> | undefined {
  return dataSlots.get(container);
}

const UNNAMED = "(unnamed)";
// Thrown (never outside this module) when a pass meets an expression that may run long: the pass
// starts over under the watchdog. What it did so far was pure reads, safe to do again.
const NEEDS_GUARD = Symbol("needs guard");

/**
 * One mapping pass over one step's config: where it stands (for messages), what it evaluates
 * against, and whether it runs under the expression watchdog.
 */
export class MappingPass {
  /** The keys from the node config down to the slot being mapped. */
  readonly path: (string | number)[] = [];
  private guarded = false;
  // The context's expression time limit; 0: none, and no watchdog at all.
  private readonly limitMs: number;

  /**
   * @param ctx - the context expressions see.
   * @param data - the `data` they see.
   * @param final - the last pass: a failing placeholder stays literally in its string (Blok's
   * result); otherwise a string that does not map whole is left as written, for a later pass.
   * @param step - the step's name, for errors.
   */
  constructor(
    readonly ctx: Context,
    readonly data: unknown,
    readonly final: boolean,
    readonly step: string,
  ) {
    this.limitMs = expressionTimeoutOf(ctx);
  }

  /**
   * Runs the pass: directly, or again under the watchdog when it met an expression that may run
   * long (the watchdog costs about 0.1 ms, most passes never need it).
   */
  run<T>(work: () => T): T {
    if (isGuarded()) return work();
    try {
      return work();
    } catch (error) {
      if (error !== NEEDS_GUARD) throw error;
    }
    this.guarded = true;
    this.path.length = 0;
    try {
      return runGuarded(this.limitMs, work);
    } catch (error) {
      if (isInterruption(error)) throw new ExpressionTimeoutError(this.step, this.field(), this.limitMs, { cause: error });
      throw error;
    }
  }

  /** Maps `container` in place, recording rewritten slots in `record` (and as data). */
  inPlace(container: Record<string | number, unknown>, record: Map<object, Set<string | number>> | undefined, role: Role): void {
    const kept = dataSlots.get(container);
    if (Array.isArray(container)) {
      for (let index = 0; index < container.length; index++) this.inPlaceSlot(container, index, kept, record, role);
      return;
    }
    for (const key in container) if (Object.hasOwn(container, key)) this.inPlaceSlot(container, key, kept, record, role);
  }

  private inPlaceSlot(container: Record<string | number, unknown>, key: string | number, kept: ReadonlySet<string | number> | undefined, record: Map<object, Set<string | number>> | undefined, role: Role): void {
    if (kept?.has(key)) return;
    const entry = container[key];
    const inner = roleOf(role, key);
    this.path.push(key);
    if (typeof entry === "string") {
      const mapped = this.text(entry, role === CONDITION_ENTRY && key === "condition");
      if (mapped !== entry) {
        container[key] = mapped;
        markData(container, key);
        if (record) {
          let keys = record.get(container);
          if (!keys) record.set(container, (keys = new Set()));
          keys.add(key);
        }
      }
    } else if (isContainer(entry)) this.inPlace(entry, record, inner);
    this.path.pop();
  }

  /**
   * Maps one string as written (see {@link mapString}); `condition`: it is an if-else condition,
   * whose mapped value becomes `true` or `false` (if-else evaluates a string condition as code,
   * and a mapped value is data).
   *
   * @returns the mapped value, or `text` itself when nothing changed or (not final) evaluation failed.
   */
  text(text: string, condition: boolean): unknown {
    const template = templateOf(text, condition);
    if (template.kind === "text") return text;
    if (template.kind === "invalid") throw new MappingError(this.step, this.field(), template.problem);
    if (!template.safe && !this.guarded && this.limitMs > 0 && !isGuarded()) throw NEEDS_GUARD;
    if (template.kind === "interpolation") return this.interpolate(template, text);
    return this.evaluate(template, text, condition);
  }

  private interpolate(template: Extract<Template, { kind: "interpolation" }>, text: string): string {
    let out = template.literals[0]!;
    for (let index = 0; index < template.placeholders.length; index++) {
      const placeholder = template.placeholders[index]!;
      try {
        out += String(this.placeholderValue(placeholder));
      } catch (error) {
        report(this.ctx, "Mapper Error 1", error);
        if (!this.final) return text;
        out += placeholder.text;
      }
      out += template.literals[index + 1]!;
    }
    return out;
  }

  private evaluate(template: Extract<Template, { kind: "expression" }>, text: string, condition: boolean): unknown {
    const { ctx } = this;
    try {
      const values = template.placeholders.length === 0 ? undefined : template.placeholders.map((placeholder) => this.placeholderValue(placeholder));
      // An if-else condition is evaluated as if-else would (data = the previous output); a js/
      // string as Blok's mapper does.
      if (condition && !text.startsWith("js/")) return Boolean(template.code.run(ctx, ctx.response?.data, {}, ctx.vars ?? {}, values));
      const value = template.code.run(ctx, this.data ?? {}, ctx.func ?? {}, ctx.vars ?? {}, values);
      return condition ? Boolean(value) : value;
    } catch (error) {
      report(ctx, "Mapper Error 2", error);
      return text;
    }
  }

  private placeholderValue(placeholder: Placeholder): unknown {
    return getPath(this.data, placeholder.key) || placeholder.code.run(this.ctx, this.data ?? {}, {}, {});
  }

  /** The slot being mapped, as a path from the node config (`inputs.items[2].name`). */
  field(): string {
    let out = "";
    for (const key of this.path) {
      if (typeof key === "number") out += `[${key}]`;
      else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
    return out === "" ? "(the value itself)" : out;
  }
}

/** Records that `container[key]` holds a mapping result. */
export function markData(container: object, key: string | number): void {
  let keys = dataSlots.get(container);
  if (!keys) dataSlots.set(container, (keys = new Set()));
  keys.add(key);
}

function report(ctx: Context, label: string, error: unknown): void {
  ctx.logger?.logLevel("debug", `${label}: ${error instanceof Error ? error.message : String(error)}`);
}
