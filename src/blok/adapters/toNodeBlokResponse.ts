import type { NodeBase } from "../contracts/NodeBase.js";
import { NodeBlokResponse } from "../contracts/NodeBlokResponse.js";

/**
 * Normalises what a handler returned into a {@link NodeBlokResponse}:
 *
 * - a `NodeBlokResponse` is returned as is;
 * - an object with a boolean `success` and a `data` or `error` key (a result envelope, including
 *   a host Blok app's own `NodeBlokResponse`) becomes a failure when `error` is set or `success`
 *   is `false` (the error converted with `node.setError`, so message, code and json survive),
 *   otherwise a success with its `data`;
 * - anything else (including `undefined`, arrays, strings and objects without that shape) is the
 *   success data itself.
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
  const { success, data, error } = result;
  if (error !== undefined && error !== null) response.setError(node.setError(error));
  else if (success === false) response.setError(node.setError(`Node '${node.name}' reported failure without an error`));
  else response.setSuccess(data);
  return response;
}

type Envelope = { success: boolean; data?: unknown; error?: unknown };

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return typeof (value as Envelope).success === "boolean" && ("data" in value || "error" in value);
}
