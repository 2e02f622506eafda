/**
 * One entry of a workflow's `steps` array (also the shape of nested `steps` under a node config).
 *
 * `name` keys the step's config (`nodes[name]`) and its `set_var` slot (`ctx.vars[name]`);
 * `node` says what to load and `type` how (`module`, `local`, or an injected runtime).
 */
export type Step = {
  name: string;
  node: string;
  type: string;
  /** Default `true`; `false` skips the step. */
  active?: boolean;
  /** Default `false`; `true` ends the workflow successfully before this step runs. */
  stop?: boolean;
  /** Default `false`; `true` stores the step's output data in `ctx.vars[name]` and leaves `ctx.response` alone. */
  set_var?: boolean;
};
