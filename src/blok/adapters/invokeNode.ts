import type { Context } from "../contracts/Context.js";
import type { NodeBase } from "../contracts/NodeBase.js";
import { NodeBlok } from "../contracts/NodeBlok.js";
import type { INodeBlokResponse } from "../contracts/NodeBlokResponse.js";

/**
 * How one call of a node ended: its output data, or its failure. `returned`: `handle` returned a
 * response carrying an error; `thrown`: validation failed or `handle` threw.
 */
export type NodeOutcome = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly kind: "thrown" | "returned"; readonly error: unknown };

/**
 * Calls a node (as made by `toNodeBase`) on inputs that were already mapped, and reads its
 * response the way the runner reads a step's (`Runner`: `if (ctx.response.error) throw`): a
 * truthy `error` is the failure, otherwise `data` is the output. A handler's own return value has
 * already been normalised by `HandlerNode` (`toNodeBlokResponse`), so this is the same rule the
 * inline path applies. A worker thread runs every `local` child through this function.
 *
 * @param node - a non-flow node instance.
 * @param ctx - the context its `handle` gets.
 * @param inputs - the mapped inputs, validated here against the node's `inputSchema`.
 * @returns the outcome; never rejects.
 * @example
 * ```ts fragment
 * const outcome = await invokeNode(toNodeBase({ handle: () => 1 }, "Node 'one'"), ctx, {});
 * ```
 */
export async function invokeNode(node: NodeBase, ctx: Context, inputs: unknown): Promise<NodeOutcome> {
  let response: INodeBlokResponse | undefined;
  try {
    if (!(node instanceof NodeBlok)) throw new TypeError(`Node '${node.name}' cannot run on pre-mapped inputs: it is not a NodeBlok`);
    if (node.flow) throw new TypeError(`Node '${node.name}' is a flow node: flow nodes cannot run on pre-mapped inputs`);
    await node.validate(inputs, node.inputSchema);
    response = (await node.handle(ctx, inputs)) as INodeBlokResponse | undefined;
  } catch (error) {
    return { ok: false, kind: "thrown", error };
  }
  if (response?.error) return { ok: false, kind: "returned", error: response.error };
  return { ok: true, data: response?.data };
}
