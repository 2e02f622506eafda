import { cloneNode } from "./cloneNode.js";
import { type Handler, isHandler } from "./Handler.js";
import { HandlerNode } from "./HandlerNode.js";
import { InvalidNodeError } from "./errors.js";
import { NodeBase } from "../contracts/NodeBase.js";

/** Anything this package accepts as a node: an instance or class of `NodeBase`, or a {@link Handler} (instance, class or object). */
export type NodeLike = NodeBase | Handler | (new () => NodeBase | Handler);

/**
 * Turns what a node module exports (or what is registered) into a fresh runnable {@link NodeBase}:
 *
 * - a `NodeBase` instance → a per-use clone (`cloneNode`), so the export is never mutated;
 * - a class → instantiated with no arguments (the result is then adapted as below; a handler
 *   instance is the HandlerNode's own, so it is given the step's name);
 * - an object with `handle` (including an instance of a class with `handle`) → a {@link HandlerNode}.
 *
 * Anything else is refused, including a plain function: Blok instantiates a `local` node's
 * default export with `new` and runs the instance, which a function without `handle` cannot be.
 * The worker thread applies this same rule (see `loadNodeModule`).
 *
 * @param candidate - the exported or registered value.
 * @param label - names the node in error messages, e.g. `Local node 'sum' (/nodes/sum/index.js)`.
 * @returns a node instance owned by the caller.
 * @throws {@link InvalidNodeError} for any other value; whatever a class constructor throws.
 * @example
 * ```ts
 * const node = toNodeBase({ handle: () => "pong" }, "Node 'ping'");
 * ```
 */
export function toNodeBase(candidate: unknown, label: string): NodeBase {
  if (candidate instanceof NodeBase) return cloneNode(candidate);
  if (typeof candidate === "function" && isConstructible(candidate)) {
    const instance: unknown = new (candidate as new () => unknown)();
    if (instance instanceof NodeBase) return instance;
    if (isHandler(instance)) return new HandlerNode(instance, true);
    throw new InvalidNodeError(label, `class ${candidate.name || "(anonymous)"} without a handle method`);
  }
  if (isHandler(candidate)) return new HandlerNode(candidate);
  throw new InvalidNodeError(label, describe(candidate));
}

// A function counts as a node class when it extends NodeBase or its prototype has `handle`;
// this excludes arrow functions and plain functions that are not meant to be constructed.
function isConstructible(fn: Function): boolean {
  const prototype: unknown = fn.prototype;
  return prototype instanceof NodeBase || isHandler(prototype);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"} without handle`;
  if (typeof value !== "object") return `${typeof value} ${JSON.stringify(value)}`;
  const keys = Object.keys(value);
  return keys.length > 0 ? `an object with keys ${keys.slice(0, 5).join(", ")}` : "an empty object";
}
