import type { NodeConfig, Step } from "../blok/index.js";

/**
 * A Blok workflow document. Only `name`, `steps` and `nodes` affect a run;
 * `version`, `description`, `trigger` and any other keys are carried along untouched.
 *
 * @example
 * ```ts
 * const workflow: Workflow = {
 *   name: "demo",
 *   steps: [{ name: "greet", node: "greet", type: "local" }],
 *   nodes: { greet: { inputs: { who: "${ctx.request.body.user}" } } },
 * };
 * ```
 */
export type Workflow = {
  name?: string;
  version?: string;
  description?: string;
  trigger?: Record<string, unknown>;
  /** The top-level steps, run in order; at least one. */
  steps: Step[];
  /** Node configs keyed by step name (top-level and nested steps share this namespace). */
  nodes?: Record<string, NodeConfig>;
  [key: string]: unknown;
};
