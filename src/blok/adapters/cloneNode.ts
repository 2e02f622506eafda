import { HandlerNode } from "./HandlerNode.js";
import type { NodeBase } from "../contracts/NodeBase.js";

/**
 * A per-use copy of a registered node, as Blok's `NodeMap.getNode` makes: same prototype, own
 * properties copied shallowly (schemas and other nested objects are shared). Setting `name`,
 * `set_var` etc. on the copy never touches the shared singleton.
 *
 * @param node - the singleton.
 * @returns a fresh instance to configure and run.
 */
export function cloneNode<T extends NodeBase>(node: T): T {
  const copy = shallowCopy(node);
  // A handler object or class instance wrapped by HandlerNode gets the same per-use copy, so state
  // it keeps on `this` during a run is not shared by concurrent runs (container children).
  const target = (copy as { target?: unknown }).target;
  if (copy instanceof HandlerNode && typeof target === "object" && target !== null) {
    Object.defineProperty(copy, "target", { value: shallowCopy(target), enumerable: true, writable: false, configurable: true });
  }
  return copy;
}

function shallowCopy<T extends object>(value: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value)) as T, value);
}
