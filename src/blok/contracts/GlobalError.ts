import type { ErrorContext } from "./Context.js";

/**
 * The error type Blok's runner understands: its {@link GlobalError.context} carries the HTTP
 * status (`code`) and body (`json`) a trigger sends back.
 *
 * The runner checks `instanceof GlobalError` against this class; anything else it catches is
 * converted (see {@link toGlobalError}).
 *
 * @example
 * ```ts
 * const error = new GlobalError("quota exceeded");
 * error.setCode(429);
 * error.setJson({ retry_after: 30 });
 * throw error;
 * ```
 */
export class GlobalError extends Error {
  /** Structured detail; `message` starts as the constructor's message. */
  context: ErrorContext;

  /**
   * @param message - the error message, also stored as `context.message`.
   * @param options - standard `ErrorOptions`, e.g. the `cause` being wrapped.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GlobalError";
    this.context = { message: message ?? "" };
  }

  /** Sets `context.code`, the status a Blok trigger answers with (500 when unset). */
  setCode(code?: number): void {
    this.context.code = code;
  }

  /** Sets `context.json`, the body a Blok trigger answers with instead of `{ error: message }`. */
  setJson(json?: object): void {
    this.context.json = json;
  }

  /** Sets `context.stack`. */
  setStack(stack?: string): void {
    this.context.stack = stack;
  }

  /** Sets `context.name` (by convention the failing step's name); `Error.name` is left alone. */
  setName(name?: string): void {
    this.context.name = name;
  }

  /** @returns whether `context.json` is set. */
  hasJson(): boolean {
    return this.context.json !== undefined;
  }

  /** @returns the JSON text of `context.json` when set, otherwise the message. */
  override toString(): string {
    return this.hasJson() ? JSON.stringify(this.context.json) : this.message;
  }
}
