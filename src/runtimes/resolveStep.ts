import type { NodeBase, Step } from "../blok/index.js";
import { loadLocalNode } from "./local/loadLocalNode.js";
import { LocalNodeNotFoundError } from "./local/errors.js";
import type { NodeRegistry } from "./module/NodeRegistry.js";
import { UnknownNodeTypeError } from "./errors.js";

/** Turns a step of an injected type (e.g. `runtime.python3`) into a runnable node. */
export type StepResolver = (step: Step) => Promise<NodeBase>;

/** Where {@link resolveStep} finds nodes. */
export type ResolveOptions = {
  /** Nodes for `type: "module"` steps. */
  /** Anything with Blok's `NodeMap.getNode` (a per-use node for a key): our NodeRegistry or a host app's map. */
  registry: Pick<NodeRegistry, "getNode">;
  /** Directory of `type: "local"` nodes; `NODES_PATH` when omitted. */
  nodesDir?: string;
  /**
   * Resolvers for further step types, keyed by type. They take precedence over the built-in
   * `module` and `local` resolution, so a caller may also replace those.
   */
  resolvers?: Record<string, StepResolver>;
};

const BUILT_IN_TYPES = ["module", "local"] as const;

/**
 * Resolves one step into a fresh node instance, as Blok's `Configuration` does:
 * `module` → a per-use clone from the registry, `local` → a new instance loaded from the nodes
 * directory, other types → the matching injected resolver. The step's `node`, `name`, `active`
 * (default `true`), `stop` (default `false`) and `set_var` (default `false`) are then copied onto
 * the instance; `type` is not.
 *
 * @param step - the step descriptor.
 * @param options - registry, nodes directory and extra resolvers.
 * @returns a node instance owned by the caller.
 * @throws {@link UnknownNodeTypeError} for an unknown `type`; `NodeNotFoundError`,
 * `LocalNodeNotFoundError`, `LocalNodeLoadError` or `InvalidNodeError` when the node cannot be
 * found or loaded; whatever an injected resolver throws.
 * @example
 * ```ts
 * const node = await resolveStep({ name: "check", node: "@blok-ts/if-else", type: "module" }, { registry });
 * ```
 */
export async function resolveStep(step: Step, options: ResolveOptions): Promise<NodeBase> {
  const node = await instantiate(step, options);
  node.node = step.node;
  node.name = step.name;
  node.active = step.active ?? true;
  node.stop = step.stop ?? false;
  node.set_var = step.set_var ?? false;
  return node;
}

async function instantiate(step: Step, { registry, nodesDir, resolvers = {} }: ResolveOptions): Promise<NodeBase> {
  const custom = Object.hasOwn(resolvers, step.type) ? resolvers[step.type] : undefined;
  if (custom) return custom(step);
  if (step.type === "module") return registry.getNode(step.node);
  if (step.type === "local") {
    const directory = nodesDir ?? process.env.NODES_PATH;
    if (!directory) throw new LocalNodeNotFoundError(step.node, undefined);
    return loadLocalNode(step.node, directory);
  }
  throw new UnknownNodeTypeError(step.type, [...new Set([...BUILT_IN_TYPES, ...Object.keys(resolvers)])]);
}
