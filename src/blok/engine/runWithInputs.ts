import type { Context } from "../contracts/Context.js";
import type { NodeBase } from "../contracts/NodeBase.js";
import { NodeBlok } from "../contracts/NodeBlok.js";
import type { INodeBlokResponse } from "../contracts/NodeBlokResponse.js";

/**
 * Runs a node on inputs that were already mapped elsewhere: validates them against the node's
 * input schema and calls `handle`, with no mapping at all (mapping twice would read data as
 * templates). Returns the response's data; a returned error is thrown.
 *
 * @param node - a resolved, non-flow node.
 * @param ctx - its context.
 * @param inputs - the mapped inputs.
 * @returns the node's output data.
 * @throws `TypeError` for a flow node or a node that is not a NodeBlok; `InputValidationError`;
 * the response's error; whatever `handle` throws.
 */
export async function runWithInputs(node: NodeBase, ctx: Context, inputs: unknown): Promise<unknown> {
  if (!(node instanceof NodeBlok)) throw new TypeError(`Node '${node.name}' cannot run on pre-mapped inputs: it is not a NodeBlok`);
  if (node.flow) throw new TypeError(`Node '${node.name}' is a flow node: flow nodes cannot run remotely`);
  await node.validate(inputs, node.inputSchema);
  const response = (await node.handle(ctx, inputs)) as INodeBlokResponse;
  if (response.error) throw response.error;
  return response.data;
}
