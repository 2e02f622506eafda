import type { NodeBase } from "./NodeBase.js";

/**
 * One branch of an if-else node config (`nodes[<step>].conditions[i]`), after the runner resolved
 * its `steps` into node instances.
 */
export type Condition = {
  /** `"if"` for the first entry, `"else"` for the last one when there are several. */
  type?: string;
  /** A JS expression over `ctx`, `data`, `func`, `vars`; a missing or blank one always matches. */
  condition?: unknown;
  steps: NodeBase[];
};
