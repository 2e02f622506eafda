import type { LoggerContext } from "../contracts/Context.js";

/** Options of {@link DefaultLogger}. */
export type DefaultLoggerOptions = {
  workflowName?: string;
  workflowPath?: string;
  requestId?: string;
  /**
   * Where each JSON line goes; `console.log` (stdout) by default, as in Blok. A CLI whose stdout
   * carries the workflow result should pass a stderr writer.
   */
  write?: (line: string) => void;
  /** Print even when `CONSOLE_LOG_ACTIVE` is `"false"`: for an explicit request, such as the CLI's `--logs`. */
  always?: boolean;
  /** `false` makes a logger that prints nothing (and tells callers so through `enabled`). */
  enabled?: boolean;
};

/**
 * Blok's default logger: every call prints one JSON line
 * `{ level, app, env, message, workflow_name?, workflow_path?, request_id?, stack? }`
 * (`app` = `APP_NAME`, `env` = `NODE_ENV`), and nothing at all when `CONSOLE_LOG_ACTIVE` is
 * `"false"` at the time of the call.
 *
 * Like Blok's, it keeps no history: `getLogs*` return empty results. Retaining lines would grow
 * without bound when a container runs a million children against one logger.
 *
 * @example
 * ```ts
 * const logger = new DefaultLogger({ workflowName: "demo", write: (line) => process.stderr.write(`${line}\n`) });
 * logger.log("started");
 * ```
 */
export class DefaultLogger implements LoggerContext {
  private readonly options: DefaultLoggerOptions;

  /** @param options - labels added to every line and the line sink. */
  constructor(options: DefaultLoggerOptions = {}) {
    this.options = options;
  }

  /** Prints `message` at level `info`. */
  log(message: string): void {
    this.print("info", message);
  }

  /** Prints `message` at `level`. */
  logLevel(level: string, message: string): void {
    this.print(level, message);
  }

  /** Prints `message` at level `error` with `stack`. */
  error(message: string, stack = ""): void {
    this.print("error", message, stack);
  }

  /** @returns an empty array (no history is kept). */
  getLogs(): string[] {
    return [];
  }

  /** @returns `""` (no history is kept). */
  getLogsAsText(): string {
    return "";
  }

  /** @returns `""` (no history is kept). */
  getLogsAsBase64(): string {
    return "";
  }

  /** Whether a call would print now: callers skip building costly messages when it would not. */
  get enabled(): boolean {
    if (this.options.enabled === false) return false;
    return this.options.always === true || process.env.CONSOLE_LOG_ACTIVE !== "false";
  }

  private print(level: string, message: string, stack?: string): void {
    if (!this.enabled) return;
    const { workflowName, workflowPath, requestId, write = console.log } = this.options;
    write(
      JSON.stringify({
        level,
        app: process.env.APP_NAME,
        env: process.env.NODE_ENV,
        message,
        workflow_name: workflowName,
        workflow_path: workflowPath,
        request_id: requestId,
        stack,
      }),
    );
  }
}
