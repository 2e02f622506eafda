"use strict";

/**
 * Turns whatever a node threw or returned as its error into plain data that survives the trip to
 * the main thread. Structured clone alone would keep `message` and `stack` but reset a custom
 * `name` to `Error` and drop `code`, which is exactly what callers branch on.
 *
 * `code` is read from the error itself or, for Blok's `GlobalError`, from `context.code` (where
 * `setCode` puts the HTTP status).
 *
 * @param {unknown} error anything: an Error, a GlobalError, a string, a plain object
 * @returns {{ name: string, message: string, stack?: string, code?: string | number }}
 */
function serialiseError(error) {
  if (typeof error === "object" && error !== null) {
    const serialised = {
      name: typeof error.name === "string" && error.name !== "" ? error.name : "Error",
      message: typeof error.message === "string" ? error.message : stringify(error),
    };
    if (typeof error.stack === "string") serialised.stack = error.stack;
    const code = codeOf(error.code) ?? codeOf(error.context?.code);
    if (code !== undefined) serialised.code = code;
    return serialised;
  }
  return { name: "Error", message: String(error) };
}

function codeOf(value) {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

function stringify(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

module.exports = { serialiseError };
