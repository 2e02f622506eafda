import type { Schema } from "jsonschema";
import type { Context } from "../contracts/Context.js";

/**
 * The least a node can be: anything with `handle(ctx, inputs)`. Its result may be a
 * `NodeBlokResponse`, a `{ success, data, error }` object, or plain data (see
 * `toNodeBlokResponse`). Optional `contentType` and `inputSchema` are honoured like a
 * `NodeBlok`'s.
 *
 * @example
 * ```ts
 * const upper: Handler = { handle: (_ctx, inputs) => String(inputs).toUpperCase() };
 * ```
 */
export interface Handler {
  // `never` so that a handler may declare whatever inputs type it expects.
  handle(ctx: Context, inputs: never): unknown;
  contentType?: string;
  inputSchema?: Schema;
}

/**
 * @returns whether `value` is an object (or function) with a callable `handle`.
 */
export function isHandler(value: unknown): value is Handler {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return typeof (value as { handle?: unknown }).handle === "function";
}
