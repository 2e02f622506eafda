import type { LoggerContext } from "./Context.js";

/**
 * Whether a line given to `logger` would be printed: `false` only for a logger that says so
 * (`enabled === false`, as a disabled {@link DefaultLogger}). Callers skip building costly lines
 * (a node config's JSON) otherwise.
 *
 * @param logger - `ctx.logger`, possibly absent.
 */
export function loggerPrints(logger: LoggerContext | undefined): logger is LoggerContext {
  return logger !== undefined && logger !== null && (logger as { enabled?: boolean }).enabled !== false;
}
