import type { NodeLike } from "../blok/index.js";
import { NodeRegistry } from "../runtimes/module/NodeRegistry.js";
import { IfElse } from "./IfElse.js";

/**
 * A module registry holding the nodes this runner ships, currently `@blok-ts/if-else`, plus
 * `extra` entries (which may replace a built-in). Add more later with `registry.addNode(key, node)`.
 *
 * @param extra - further nodes by registry key.
 * @returns a new registry.
 * @throws `InvalidNodeError` when an `extra` entry is not node-like.
 * @example
 * ```ts
 * const double = { handle: async (_ctx: unknown, inputs: { n: number }) => ({ n: inputs.n * 2 }) };
 * const registry = createRegistry({ "@acme/double": double });
 * const { resolveChild } = createChildResolver({ registry });
 * const ParallelExecution = createParallelExecutionNode({ resolveChild });
 * registry.addNode("parallel-execution", new ParallelExecution());
 * ```
 */
export function createRegistry(extra: Record<string, NodeLike> = {}): NodeRegistry {
  const registry = new NodeRegistry();
  registry.addNode("@blok-ts/if-else", new IfElse());
  for (const [key, node] of Object.entries(extra)) registry.addNode(key, node);
  return registry;
}
