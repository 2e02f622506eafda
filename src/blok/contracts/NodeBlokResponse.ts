import type { ResponseContext } from "./Context.js";
import type { GlobalError } from "./GlobalError.js";
import type { NodeBase } from "./NodeBase.js";

/** What a node's `handle` returns, shaped like Blok's `INodeBlokResponse`. */
export interface INodeBlokResponse extends ResponseContext {
  steps: NodeBase[];
}

/**
 * The response a node builds in `handle`: `setSuccess(data)` or `setError(globalError)`.
 *
 * `contentType` defaults to `"application/json"` but `NodeBlok.run` overwrites it with the node's
 * own `contentType` (`""` unless the node sets one). There is no `setContentType`, as in Blok.
 *
 * @example
 * ```ts
 * const response = new NodeBlokResponse();
 * response.setSuccess({ total: 3 });
 * ```
 */
export class NodeBlokResponse implements INodeBlokResponse {
  /** Never read by the runner; kept for Blok compatibility. */
  steps: NodeBase[] = [];
  data: unknown = {};
  error: GlobalError | null = null;
  success = true;
  contentType = "application/json";

  /** Marks the response successful with `data`. */
  setSuccess(data: unknown): void {
    this.data = data;
    this.error = null;
    this.success = true;
  }

  /** Marks the response failed; `data` becomes `{}` as in Blok. */
  setError(error: GlobalError): void {
    this.error = error;
    this.success = false;
    this.data = {};
  }

  /** Stores `steps` (not used by the runner). */
  setSteps(steps: NodeBase[]): void {
    this.steps = steps;
  }
}
