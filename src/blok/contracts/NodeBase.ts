import type { Context, FunctionContext, ResponseContext, VarsContext } from "./Context.js";
import { deepClone } from "../mapping/deepClone.js";
import type { GlobalError } from "./GlobalError.js";
import { loggerPrints } from "./loggerPrints.js";
import { type FirstPassRecord, mapFirstPass, mapValue, runJs } from "../mapping/mapper.js";
import { toGlobalError } from "./toGlobalError.js";

/**
 * What the runner executes: Blok's `NodeBase`, holding the step fields the runner copies onto
 * every resolved instance and the two entry points of the step loop.
 *
 * Subclass {@link NodeBlok} rather than this class; it supplies `run`.
 */
export abstract class NodeBase {
  /** `true` for nodes whose `handle` returns the steps to run next (like if-else). */
  flow = false;
  /** The step name; keys `ctx.config[name]` and `ctx.vars[name]`. */
  name = "";
  /** The step's `node` field (registry key or folder name). */
  node = "";
  /** Written onto `ctx.response.contentType` before the step runs and onto its response after. */
  contentType = "";
  active = true;
  stop = false;
  set_var = false;
  /**
   * Deep copy of the node config before mapping, for the "Running node" log line. Taken only when
   * `ctx.logger` prints (its `enabled` is not `false`): for a config holding a dataset the copy,
   * and the line's JSON, cost as much as the dataset.
   */
  originalConfig: unknown = {};
  /**
   * Declares that `handle` never writes into its inputs (nor into anything reachable from them).
   * The second mapping pass then hands it the parts of its config no pass rewrites as they are,
   * instead of deep copies: a config holding a large literal array is not copied once more for
   * every run of the step. They are still this run's own (the runner copies every config per
   * run), but the node shares them with `ctx.config[name]`; a node that writes them would change
   * that config for the rest of the run, where stock Blok would not. The default, `false`,
   * copies as Blok does.
   */
  inputsReadOnly = false;
  /**
   * What the first mapping pass of the current `process` call rewrote, for the second pass (see
   * `mapInputs`). `run` takes it and clears it, so a direct `run` (no first pass) maps every
   * string with `data`, as Blok does.
   */
  firstPass: FirstPassRecord | undefined = undefined;

  /**
   * Runs a non-flow step: maps `ctx.config[name]` **in place** with no `data` (Blok's first pass),
   * calls {@link NodeBase.run} and stores its wrapper in `ctx.response`. The step loop then unwraps
   * `wrapper.data`; direct callers must do the same.
   *
   * @param ctx - the context to run against.
   * @returns the `{ success, data, error }` wrapper produced by `run`.
   * @throws whatever `run` throws, or the wrapper's error.
   */
  async process(ctx: Context): Promise<ResponseContext> {
    if (loggerPrints(ctx.logger)) this.originalConfig = deepClone(ctx.config[this.name]);
    this.firstPass = mapFirstPass(ctx.config[this.name], ctx, this.name);
    const response = await this.run(ctx);
    if (response.error) throw response.error;
    ctx.response = response;
    return response;
  }

  /**
   * Runs a flow step: maps `ctx.config[name]` in place (first pass) and returns `run`'s wrapper,
   * whose `data` is the array of steps `handle` chose. Unlike stock Blok, an error thrown by the
   * node propagates as itself instead of becoming "flow_steps is not iterable".
   *
   * @param ctx - the context to run against.
   * @returns the wrapper whose `data` holds the steps to run next.
   * @throws whatever `run` throws.
   */
  async processFlow(ctx: Context): Promise<ResponseContext> {
    this.firstPass = mapFirstPass(ctx.config[this.name], ctx, this.name);
    return this.run(ctx);
  }

  /**
   * Runs the node against `ctx` and returns a successful wrapper; implemented by {@link NodeBlok}.
   *
   * @param ctx - the context to run against.
   */
  abstract run(ctx: Context): Promise<ResponseContext>;

  /**
   * Evaluates a JS expression with `ctx`, `data`, `func`, `vars` in scope (see the mapper's `runJs`).
   *
   * @returns the expression's value.
   * @throws whatever the expression throws.
   */
  runJs(expression: string, ctx: Context, data?: unknown, func?: FunctionContext, vars?: VarsContext): unknown {
    return runJs(expression, ctx, data, func, vars, this.name);
  }

  /** Merges `vars` into `ctx.vars`, replacing the object (never mutating the previous one). */
  setVar(ctx: Context, vars: VarsContext): void {
    ctx.vars = { ...ctx.vars, ...vars };
  }

  /** @returns `ctx.vars[name]`, or `undefined` when no var was set. */
  getVar(ctx: Context, name: string): unknown {
    return ctx.vars?.[name];
  }

  /**
   * Maps every `${...}` / `js/...` string inside `value` in place (see the mapper's `mapValue`).
   *
   * @returns `value`, mapped.
   */
  blueprintMapper(value: unknown, ctx: Context, data?: unknown): unknown {
    return mapValue(value, ctx, data);
  }

  /**
   * Builds the {@link GlobalError} a node reports, Blok-style: converted with `toGlobalError`
   * (a string becomes the message; `{ message, code?, json? }` keeps its fields; any other object
   * becomes its JSON text with itself as `json`), `code` defaults to 500 and `context.name` to this
   * step's name.
   *
   * @param config - what went wrong.
   * @returns the error, ready for `NodeBlokResponse.setError` or `throw`.
   * @example
   * ```ts
   * response.setError(this.setError({ message: "not found", code: 404 }));
   * ```
   */
  setError(config: unknown): GlobalError {
    const error = toGlobalError(config);
    if (typeof error.context.code !== "number") error.setCode(500);
    if (error.context.name === undefined) error.setName(this.name);
    return error;
  }
}

