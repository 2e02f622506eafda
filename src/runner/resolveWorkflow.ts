import type { ConfigContext, NodeBase, NodeConfig, Step } from "../blok/index.js";
import { deepClone } from "../blok/index.js";
import { type ResolveOptions, resolveStep } from "../runtimes/resolveStep.js";
import { StepResolutionError } from "./errors.js";
import { stepsOf } from "./validateWorkflow.js";
import type { Workflow } from "./Workflow.js";

/** A workflow ready to run: its top-level node instances and its resolved node-config map. */
export type ResolvedWorkflow = {
  /** The top-level steps as fresh node instances, in order. */
  steps: NodeBase[];
  /** The node-config map to use as `ctx.config`. */
  nodes: ConfigContext;
};

/** Options of {@link resolveWorkflow} beyond where nodes come from. */
export type ResolveWorkflowOptions = {
  /** How messages name the workflow (its file, for instance). */
  source?: string;
  /**
   * The document was made for this run alone (parsed from its file just now): its node configs
   * are used as they are. Otherwise (a document object a caller runs again, as a server runs one
   * loaded workflow per request) every config is deep-copied first, since the first mapping pass
   * writes into it.
   */
  owned?: boolean;
};

/**
 * Resolves a validated workflow like Blok's `Configuration.init`: every
 * top-level step, then every node config, eagerly (all branches, whether or not they will run):
 *
 * - `steps` array → resolved into instances; **all other keys are kept** (stock Blok replaces
 *   such a config with its raw keys and an empty `steps`, losing the children);
 * - else `conditions` array → each condition's `steps` resolved; the config becomes
 *   `{ conditions }` only, as in Blok (so `handle` receives the conditions);
 * - else `try.steps` and `catch.steps` → both resolved; the config becomes `{ try, catch }` only;
 * - else → a shallow copy of the raw config.
 *
 * A `mapper` key is left as raw JSON (Blok resolves it to an instance that nothing calls).
 *
 * @param workflow - a workflow that passed `validateWorkflow`.
 * @param options - where nodes come from.
 * @param settings - how to name the workflow, and whether its configs must be copied.
 * @returns the step instances and the config map.
 * @throws {@link StepResolutionError} for the first step that cannot be resolved, in document
 * order, naming it and the workflow, with the resolver's error (see `resolveStep`) as `cause`.
 */
export async function resolveWorkflow(workflow: Workflow, options: ResolveOptions, settings: ResolveWorkflowOptions = {}): Promise<ResolvedWorkflow> {
  const { source = `workflow '${workflow.name ?? "unnamed"}'`, owned = false } = settings;
  const resolveAll = async (steps: readonly unknown[]): Promise<NodeBase[]> => {
    const nodes: NodeBase[] = [];
    // Sequential so that the first failing step in document order is the one reported.
    for (const step of steps) {
      try {
        nodes.push(await resolveStep(step as Step, options));
      } catch (cause) {
        throw new StepResolutionError((step as Step).name, source, { cause });
      }
    }
    return nodes;
  };

  const resolveConfig = async (config: NodeConfig): Promise<NodeConfig> => {
    if (Array.isArray(config.steps)) return { ...config, steps: await resolveAll(config.steps) };
    if (Array.isArray(config.conditions)) {
      const conditions = [];
      for (const condition of config.conditions) conditions.push({ ...condition, steps: await resolveAll(condition.steps) });
      return { conditions };
    }
    const trySteps = stepsOf(config.try);
    const catchSteps = stepsOf(config.catch);
    if (trySteps && catchSteps) {
      return {
        try: { ...config.try, steps: await resolveAll(trySteps) },
        catch: { ...config.catch, steps: await resolveAll(catchSteps) },
      };
    }
    return { ...config };
  };

  const steps = await resolveAll(workflow.steps);
  const nodes: ConfigContext = {};
  // A private copy of each config: the first mapping pass writes into it, and a workflow object
  // the caller runs again must come back unmapped (Blok re-reads its file on every request). A
  // document parsed for this run is private already: copying it would double a dataset in it.
  for (const [name, config] of Object.entries(workflow.nodes ?? {})) {
    // Defined, not assigned: a step named `__proto__` keeps its config as a plain key (as
    // JSON.parse made it) instead of becoming the map's prototype.
    Object.defineProperty(nodes, name, { value: await resolveConfig(owned ? config : deepClone(config)), enumerable: true, writable: true, configurable: true });
  }
  return { steps, nodes };
}
