import type { GlobalError } from "./GlobalError.js";

/**
 * A loose string-keyed dictionary.
 *
 * Blok declares it as `{ [key: string]: string }` but stores anything there (parsed bodies, node
 * outputs, resolved node instances). `any` values let node code written against Blok's types
 * compile unchanged here, which is the point of this layer.
 */
export type ParamsDictionary = { [key: string]: any };

/** The incoming request: `body`, `headers`, `query`, `params`, `method`, and whatever a trigger adds. */
export type RequestContext = ParamsDictionary & {
  body?: unknown;
  headers?: ParamsDictionary;
  query?: ParamsDictionary;
  params?: ParamsDictionary;
  method?: string;
};

/** The current response; the runner replaces it after every step that has no `set_var`. */
export type ResponseContext = {
  data: unknown;
  error: GlobalError | null;
  success?: boolean;
  contentType?: string;
};

/** Structured error detail carried by {@link GlobalError.context}. */
export type ErrorContext = {
  message: string[] | string;
  /** Becomes the HTTP status in a Blok trigger (500 when absent). */
  code?: number;
  /** Becomes the HTTP body in a Blok trigger when set. */
  json?: object;
  stack?: string;
  name?: string;
};

/** The logger every node reaches through `ctx.logger`. */
export type LoggerContext = {
  log(message: string): void;
  getLogs(): string[];
  getLogsAsText(): string;
  getLogsAsBase64(): string;
  logLevel(level: string, message: string): void;
  error(message: string, stack?: string): void;
};

/** One node config: the value under a workflow's `nodes[<step name>]`. */
export type NodeConfig = ParamsDictionary;

/** The resolved node-config map, keyed by step name (Blok's type says `{ nodes? }`; the runtime value is this). */
export type ConfigContext = { [stepName: string]: NodeConfig };

/** Helper functions exposed to `js/` expressions as `func` (Blok never sets it). */
export type FunctionContext = ParamsDictionary;

/** Values stored by `set_var` steps, keyed by step name. */
export type VarsContext = ParamsDictionary;

/** The process environment as seen by nodes. */
export type EnvContext = { [key: string]: string | undefined };

/**
 * The object every node receives, shaped like Blok's `Context`.
 *
 * `signal`, `item` and `index` are extensions of this package; all are optional, so a node written
 * for stock Blok never needs them and a node that reads them must tolerate their absence.
 */
export type Context = {
  id: string;
  workflow_name?: string;
  workflow_path?: string;
  request: RequestContext;
  response: ResponseContext;
  error: ErrorContext;
  logger: LoggerContext;
  config: ConfigContext;
  func?: FunctionContext;
  vars?: VarsContext;
  env?: EnvContext;
  eventLogger: unknown;
  _PRIVATE_: unknown;
  /**
   * Extension: aborts when whoever runs this context gives up on it (a parallel container
   * cancelling a child on timeout or fail-fast, or a caller cancelling the workflow). Long-running
   * nodes should pass it to I/O (`fetch(url, { signal })`) or check `signal.aborted`.
   */
  signal?: AbortSignal;
  /** Extension: in map/batch mode, the item (or batch of items) this child processes. */
  item?: unknown;
  /** Extension: in map/batch mode, the position of {@link Context.item} in the mapped sequence. */
  index?: number;
};
