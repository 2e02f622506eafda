/**
 * The parts of a Blok context {@link buildPythonContext} reads. Loose on purpose: it accepts
 * Blok's `Context`, this package's own, or a plain object in tests.
 */
export interface PythonContextSource {
  /** The request id. */
  readonly id?: unknown;
  /** The workflow's `name`. */
  readonly workflow_name?: unknown;
  /** The workflow's path (in Blok's HTTP trigger, the URL's workflow segment). */
  readonly workflow_path?: unknown;
  /** Blok's `ctx.error` (`{ message: [] }` at the start of a request). */
  readonly error?: unknown;
  /** The trigger's request (in Blok's HTTP trigger, the Express request object). */
  readonly request?: unknown;
  /** The current response (`{ data, error, success, contentType, ... }`). */
  readonly response?: unknown;
  /** Workflow variables set by `set_var` steps. */
  readonly vars?: unknown;
  /** The environment (Blok sets it to `process.env`). */
  readonly env?: unknown;
}

/** The request fields Blok's TypeScript runner forwards to Python. */
export interface PythonRequestSubset {
  readonly body?: unknown;
  readonly headers?: unknown;
  readonly params?: unknown;
  readonly query?: unknown;
  readonly method?: unknown;
  readonly url?: unknown;
  readonly cookies?: unknown;
  readonly baseUrl?: unknown;
}

/** What a Python node's context is built from: the JSON-able fields of Blok's `Context`. */
export interface PythonContext {
  readonly id?: unknown;
  readonly workflow_name?: unknown;
  readonly workflow_path?: unknown;
  readonly request: PythonRequestSubset;
  readonly error?: unknown;
  readonly response?: unknown;
  readonly vars?: unknown;
  readonly env?: unknown;
  /** The step's mapped inputs, which the node also receives as `inputs`. */
  readonly config?: unknown;
}

const REQUEST_FIELDS = ["body", "headers", "params", "query", "method", "url", "cookies", "baseUrl"] as const;
// Context fields sent as they are, before and after `request` (the order Blok's Context declares).
const LEADING_FIELDS = ["id", "workflow_name", "workflow_path"] as const;
const TRAILING_FIELDS = ["error", "response", "vars", "env"] as const;

/**
 * Builds what Blok's `NodeRuntime` sends to a Python node: `request` reduced to body, headers,
 * params, query, method, url, cookies and baseUrl (the Express request object itself cannot be
 * serialised), the whole `response`, `vars`, `env`, and `config` = the step's mapped `inputs`.
 * It adds `id`, `workflow_name`, `workflow_path` and `error`, which Blok's Python runner reads
 * into its context but Blok's client never sends; `logger` and `func` hold functions, so the
 * Python side builds its own logger and an empty `func`. Fields that are `undefined` are left
 * out, exactly as `JSON.stringify` would drop them.
 *
 * @param ctx - the caller's context (only the fields above are read).
 * @param inputs - the step's mapped inputs.
 * @returns a plain object ready for {@link PythonRuntimeClient.execute}.
 * @example
 * ```ts
 * const context = buildPythonContext({ request: { body: { text: "hi" }, method: "POST" } }, { lang: "en" });
 * // { request: { body: { text: "hi" }, method: "POST" }, config: { lang: "en" } }
 * ```
 */
export function buildPythonContext(ctx: PythonContextSource, inputs: unknown): PythonContext {
  const source = (typeof ctx.request === "object" && ctx.request !== null ? ctx.request : {}) as Record<string, unknown>;
  const request: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) {
    if (source[field] !== undefined) request[field] = source[field];
  }
  const context: Record<string, unknown> = {};
  for (const field of LEADING_FIELDS) if (ctx[field] !== undefined) context[field] = ctx[field];
  context.request = request;
  for (const field of TRAILING_FIELDS) if (ctx[field] !== undefined) context[field] = ctx[field];
  if (inputs !== undefined) context.config = inputs;
  return context as unknown as PythonContext;
}
