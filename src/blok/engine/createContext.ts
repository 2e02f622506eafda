import { randomUUID } from "node:crypto";
import type { ConfigContext, Context, EnvContext, LoggerContext, ParamsDictionary, RequestContext } from "../contracts/Context.js";
import { DefaultLogger } from "./DefaultLogger.js";
import { expressionTimeoutFromEnv, setExpressionTimeout } from "../mapping/expressionLimit.js";

/** Inputs of {@link createContext}. */
export type CreateContextOptions = {
  /** The resolved node-config map (becomes `ctx.config`, by reference). */
  config: ConfigContext;
  /** `ctx.request.body`; `{}` by default, like Blok's placeholder request. */
  body?: unknown;
  headers?: ParamsDictionary;
  query?: ParamsDictionary;
  params?: ParamsDictionary;
  /** `ctx.request.method`; absent unless given. */
  method?: string;
  /** `ctx.env`; the whole `process.env` by default, as in Blok. */
  env?: EnvContext;
  /** The workflow's `name` field (`ctx.workflow_name`). */
  workflowName?: string;
  /** Where the workflow came from (`ctx.workflow_path`; Blok puts the URL's workflow segment there). */
  workflowPath?: string;
  /** `ctx.id`; a random UUID by default. */
  id?: string;
  /** `ctx.logger`; a {@link DefaultLogger} labelled with the workflow and id by default. */
  logger?: LoggerContext;
  /** `ctx.signal`; lets the caller cancel the run (checked before every step). */
  signal?: AbortSignal;
  /**
   * Time limit of the `js/` and `${...}` expressions mapped against this context, in ms (`0`: no
   * limit). Default: `BLOK_EXPRESSION_TIMEOUT_MS` from `env`, else 1,000.
   */
  expressionTimeoutMs?: number;
};

/**
 * Builds a fresh {@link Context} the way Blok's trigger does at the start of a request:
 * `response` is `{ data: "", contentType: "", success: true, error: null }`,
 * `error` is `{ message: [] }`, `eventLogger` and `_PRIVATE_` are `null`, `vars` and `func` are
 * absent, and `env` is defined enumerable, non-writable and non-configurable.
 *
 * @param options - request parts, config and overrides.
 * @returns the context for one workflow run.
 * @throws `RangeError` for an expression time limit that is not a whole number >= 0.
 * @example
 * ```ts
 * const ctx = createContext({ config: { double: { inputs: { n: 2 } } }, body: { user: "ada" } });
 * ```
 */
export function createContext(options: CreateContextOptions): Context {
  const id = options.id ?? randomUUID();
  const request: RequestContext = {
    body: options.body ?? {},
    headers: options.headers ?? {},
    query: options.query ?? {},
    params: options.params ?? {},
  };
  if (options.method !== undefined) request.method = options.method;

  const ctx: Context = {
    id,
    workflow_name: options.workflowName,
    workflow_path: options.workflowPath,
    request,
    response: { data: "", contentType: "", success: true, error: null },
    error: { message: [] },
    logger:
      options.logger ??
      new DefaultLogger({ workflowName: options.workflowName, workflowPath: options.workflowPath, requestId: id }),
    config: options.config,
    eventLogger: null,
    _PRIVATE_: null,
  };
  if (options.signal) ctx.signal = options.signal;
  Object.defineProperty(ctx, "env", {
    value: options.env ?? process.env,
    enumerable: true,
    writable: false,
    configurable: false,
  });
  const limit = options.expressionTimeoutMs ?? expressionTimeoutFromEnv(options.env ?? process.env);
  if (limit !== undefined) setExpressionTimeout(ctx, limit);
  return ctx;
}
