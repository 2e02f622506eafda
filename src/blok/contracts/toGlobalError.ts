import type { ErrorContext } from "./Context.js";
import { GlobalError } from "./GlobalError.js";

const ERROR_CONTEXT_KEYS = new Set(["message", "code", "json", "stack", "name"]);

/**
 * Converts anything thrown or reported as an error into a {@link GlobalError}, keeping whatever
 * structure it carries.
 *
 * - a `GlobalError` is returned as is;
 * - an object with a `context` holding a `message` (a `GlobalError` from another copy of the
 *   class, e.g. the host Blok runner's) keeps its message, code, json, stack and name;
 * - an `Error` keeps its message and stack, and becomes the `cause`;
 * - an `ErrorContext`-shaped object (`{ message, code?, json?, stack?, name? }`) keeps those fields;
 * - any other object becomes a message of its JSON text with the object as `json` (Blok's rule);
 * - anything else is stringified.
 *
 * No `code` is invented here; callers that want Blok's default of 500 add it.
 *
 * @param value - the thrown or reported value.
 * @returns a `GlobalError` describing `value`.
 * @example
 * ```ts
 * const error = toGlobalError({ message: "bad input", code: 422 });
 * error.context.code; // 422
 * ```
 */
export function toGlobalError(value: unknown): GlobalError {
  if (value instanceof GlobalError) return value;
  if (isGlobalErrorLike(value)) return fromContext(value.context, { cause: value });
  if (value instanceof Error) {
    const error = new GlobalError(value.message, { cause: value });
    error.setStack(value.stack);
    return error;
  }
  if (isErrorContext(value)) return fromContext(value);
  if (typeof value === "object" && value !== null) {
    const error = new GlobalError(jsonText(value));
    error.setJson(value);
    return error;
  }
  return new GlobalError(String(value));
}

function fromContext(context: ErrorContext, options?: ErrorOptions): GlobalError {
  const message = Array.isArray(context.message) ? context.message.join(", ") : String(context.message);
  const error = new GlobalError(message, options);
  if (typeof context.code === "number") error.setCode(context.code);
  if (context.json !== undefined) error.setJson(context.json);
  if (context.stack !== undefined) error.setStack(context.stack);
  if (context.name !== undefined) error.setName(context.name);
  return error;
}

function isGlobalErrorLike(value: unknown): value is { context: ErrorContext } {
  if (typeof value !== "object" || value === null || !("context" in value)) return false;
  return hasMessage(value.context);
}

function isErrorContext(value: unknown): value is ErrorContext {
  return hasMessage(value) && Object.keys(value).every((key) => ERROR_CONTEXT_KEYS.has(key));
}

function hasMessage(value: unknown): value is ErrorContext {
  if (typeof value !== "object" || value === null || !("message" in value)) return false;
  return typeof value.message === "string" || Array.isArray(value.message);
}

function jsonText(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular or BigInt-holding objects cannot be serialised; a message is still owed.
    return String(value);
  }
}
