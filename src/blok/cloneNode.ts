import type { NodeBase } from "./NodeBase.js";

/**
 * A per-use copy of a registered node, as Blok's `NodeMap.getNode` makes: same prototype, own
 * properties copied shallowly (schemas and other nested objects are shared). Setting `name`,
 * `set_var` etc. on the copy never touches the shared singleton.
 *
 * @param node - the singleton.
 * @returns a fresh instance to configure and run.
 */
export function cloneNode<T extends NodeBase>(node: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(node)) as T, node);
}
