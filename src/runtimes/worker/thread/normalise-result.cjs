"use strict";

const { serialiseError } = require("./serialise-error.cjs");

/**
 * Reads a node's return value the way Blok does (blok-compat.md 3.6, 3.9):
 * - `{ success: false, error }` (a failed `NodeBlokResponse`, or the same shape by hand) is a
 *   failure of the node, not data;
 * - `{ success: true, data }` (a successful `NodeBlokResponse`) carries its `data`;
 * - anything else is the data itself.
 *
 * @param {unknown} result what `handle(ctx, inputs)` resolved to
 * @returns {{ ok: true, data: unknown } | { ok: false, kind: "returned", error: ReturnType<typeof serialiseError> }}
 */
function normaliseResult(result) {
  if (typeof result === "object" && result !== null) {
    if (result.success === false && "error" in result) {
      return { ok: false, kind: "returned", error: serialiseError(result.error) };
    }
    if (result.success === true && "data" in result) return { ok: true, data: result.data };
  }
  return { ok: true, data: result };
}

module.exports = { normaliseResult };
