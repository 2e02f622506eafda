/**
 * The parts of a Blok context {@link buildPythonContext} reads. Loose on purpose: it accepts
 * Blok's `Context`, this package's own, or a plain object in tests.
 */
export interface PythonContextSource {
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

/** The context subset a Python node receives (blok-compat section 5.1). */
export interface PythonContext {
  readonly request: PythonRequestSubset;
  readonly response?: unknown;
  readonly vars?: unknown;
  readonly env?: unknown;
  /** The step's mapped inputs, which the node also receives as `inputs`. */
  readonly config?: unknown;
}

const REQUEST_FIELDS = ["body", "headers", "params", "query", "method", "url", "cookies", "baseUrl"] as const;

/**
 * Builds what Blok's `NodeRuntime` sends to a Python node: `request` reduced to body, headers,
 * params, query, method, url, cookies and baseUrl (the Express request object itself cannot be
 * serialised), the whole `response`, `vars`, `env`, and `config` = the step's mapped `inputs`.
 * No `id`, `workflow_name`, `logger` or `func`, as in Blok. Fields that are `undefined` are left
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
  return {
    request,
    ...(ctx.response === undefined ? {} : { response: ctx.response }),
    ...(ctx.vars === undefined ? {} : { vars: ctx.vars }),
    ...(ctx.env === undefined ? {} : { env: ctx.env }),
    ...(inputs === undefined ? {} : { config: inputs }),
  };
}
