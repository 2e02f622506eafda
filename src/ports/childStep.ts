import type { NodeBase, Step } from "../blok/index.js";

/** A child descriptor with its isolation settled: what a resolver turns into a runnable node. */
export type ChildStep = Step & { readonly isolation: "inline" | "worker" };

/** Turns a child step into a fresh runnable node instance (module, local, Python, worker...). */
export type ChildResolver = (step: ChildStep) => Promise<NodeBase>;
