import type { SerialisedError } from "../protocol.js";

/**
 * Turns whatever a node threw or returned as its error into plain data that survives the trip to
 * the main thread. Structured clone alone would keep `message` and `stack` but reset a custom
 * `name` to `Error` and drop `code`, which is exactly what callers branch on.
 *
 * `code` is read from the error itself or, for Blok's `GlobalError`, from `context.code` (where
 * `setCode` puts the HTTP status).
 *
 * @param error anything: an Error, a GlobalError, a string, a plain object
 * @returns its name, message, stack and code as data
 */
export function serialiseError(error: unknown): SerialisedError {
  if (typeof error !== "object" || error === null) return { name: "Error", message: String(error) };
  const { name, message, stack, code, context } = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; context?: { code?: unknown } };
  const resolvedCode = codeOf(code) ?? codeOf(context?.code);
  return {
    name: typeof name === "string" && name !== "" ? name : "Error",
    message: typeof message === "string" ? message : stringify(error),
    ...(typeof stack === "string" ? { stack } : {}),
    ...(resolvedCode === undefined ? {} : { code: resolvedCode }),
  };
}

function codeOf(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
