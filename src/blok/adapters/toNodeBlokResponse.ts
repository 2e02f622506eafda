import type { NodeBase } from "../contracts/NodeBase.js";
import { NodeBlokResponse } from "../contracts/NodeBlokResponse.js";

/**
 * Normalises what a handler returned into a {@link NodeBlokResponse}, by the rule of Blok's
 * released runner (`@nanoservice-ts/runner` 0.1.14), which takes a node's return value as the
 * step's response and fails the step exactly when that response's `error` is truthy:
 *
 * - a `NodeBlokResponse` is returned as is;
 * - an object with a boolean `success` and a `data` or `error` key (a result envelope, including
 *   a host Blok app's own `NodeBlokResponse`) is a failure when its `error` is truthy (converted
 *   with `node.setError`, so message, code and json survive), otherwise a success with its
 *   `data`. `success` itself decides nothing, as in Blok: `{ success: false, data }` is data and
 *   `{ success: true, error }` is a failure;
 * - anything else (including `undefined`, arrays, strings and objects without that shape) is the
 *   success data itself.
 *
 * The same rule holds inline and in a worker thread (docs/worker-isolation.md).
 *
 * @param result - what `handle` returned (already awaited).
 * @param node - the node reporting, for `setError` (code default 500, `context.name`).
 * @returns a response for the runner.
 * @example
 * ```ts
 * toNodeBlokResponse({ success: false, error: { message: "gone", code: 410 } }, node).error?.context.code; // 410
 * ```
 */
export function toNodeBlokResponse(result: unknown, node: Pick<NodeBase, "name" | "setError">): NodeBlokResponse {
  if (result instanceof NodeBlokResponse) return result;
  const response = new NodeBlokResponse();
  if (!isEnvelope(result)) {
    response.setSuccess(result);
    return response;
  }
  if (result.error) response.setError(node.setError(result.error));
  else response.setSuccess(result.data);
  return response;
}

type Envelope = { success: boolean; data?: unknown; error?: unknown };

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return typeof (value as Envelope).success === "boolean" && ("data" in value || "error" in value);
}
