import { cloneNode, NodeBase, type NodeLike, toNodeBase } from "../../blok/index.js";
import { NodeNotFoundError } from "./errors.js";

/**
 * The `module` node registry, Blok's `NodeMap`: one node instance per key, handed out as a
 * per-use clone so the shared instance is never mutated by a run.
 *
 * @example
 * ```ts
 * const registry = new NodeRegistry();
 * registry.addNode("@acme/double", { handle: async (_ctx: unknown, inputs: { n: number }) => ({ n: inputs.n * 2 }) });
 * const node = registry.getNode("@acme/double"); // a fresh clone every call
 * ```
 */
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeBase>();

  /**
   * Registers `node` under `name`, replacing any previous entry. A `NodeBase` instance is stored
   * as is (so setters called on it after registering still apply); a class is instantiated once;
   * a handler object is wrapped (see `toNodeBase`).
   *
   * @throws `InvalidNodeError` when `node` is not node-like.
   */
  addNode(name: string, node: NodeLike): void {
    this.nodes.set(name, node instanceof NodeBase ? node : toNodeBase(node, `Node '${name}'`));
  }

  /**
   * @returns a per-use clone of the node registered under `name` (same prototype, own properties
   * copied shallowly).
   * @throws {@link NodeNotFoundError} ("Node <name> not found").
   */
  getNode(name: string): NodeBase {
    const node = this.nodes.get(name);
    if (!node) throw new NodeNotFoundError(name);
    return cloneNode(node);
  }

  /** @returns whether a node is registered under `name`. */
  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  /** @returns the registered instances by key (the shared ones: do not mutate them). */
  getNodes(): Record<string, NodeBase> {
    return Object.fromEntries(this.nodes);
  }
}
