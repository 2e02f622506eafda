import { z } from "zod";
import { EXECUTION_DEFAULTS, type ExecutionBounds, executionOptionsShape, type OptionWording, requireContinuePartialForBudget } from "../core/index.js";
import { queueSettingsSchema } from "../ports/index.js";

/**
 * The container's config schema: the single source of the bounds below and of `config.json`
 * (generated from it by `npm run generate:config`, and checked against it by a test).
 *
 * Bounds follow the seed task (TASK-007) except where noted:
 * - `timeout` floor 1 ms (seed: 1000) and `global_timeout` floor 1 ms (seed: 5000): sub-second
 *   deadlines are normal for lookups and caches, and the floor only ever forced users to give up
 *   the limit altogether;
 * - `nodes` keeps the seed's 2..20 children; map mode has no item limit (it streams);
 * - `strategy` and `error_handling` are optional (the seed marks them required but documents
 *   defaults; an omitted field takes the documented default).
 */
export const CONTAINER_LIMITS = {
  timeout: { min: 1, max: 300_000 },
  globalTimeout: { min: 1, max: 600_000 },
  maxConcurrent: { min: 1, max: 20, default: EXECUTION_DEFAULTS.max_concurrent },
  children: { min: 2, max: 20 },
  retryAttempts: { min: 1, max: 10 },
  retryDelayMs: { min: 0, max: 600_000 },
  backoffFactor: { min: 1, max: 10 },
  batchSize: { min: 1, max: 1_000_000 },
  maxDepth: { min: 1, max: 1000, default: 32 },
} as const;

/** The container's bounds of the core's options (all inside the core's, so the core takes the parsed options as they are). */
const CONTAINER_BOUNDS: ExecutionBounds = {
  timeout: CONTAINER_LIMITS.timeout,
  global_timeout: CONTAINER_LIMITS.globalTimeout,
  max_concurrent: CONTAINER_LIMITS.maxConcurrent,
  retry: { attempts: CONTAINER_LIMITS.retryAttempts, delay_ms: CONTAINER_LIMITS.retryDelayMs, backoff_factor: CONTAINER_LIMITS.backoffFactor },
};

/**
 * Workflow authors read every field's type in the message, and units in the field docs ("in ms").
 * This wording is published (docs/configuration.md) and so kept apart from the core's.
 */
const WORKFLOW_WORDING: OptionWording = { units: false, types: true, zeroFloor: "must be at least 0", attemptsNote: "" };

// Every field states its rule; without an explicit type error zod says "Invalid input: expected
// number, received string", which names no rule.
const number = () => z.number({ error: "must be a number" });
const object = <Shape extends z.core.$ZodLooseShape>(shape: Shape, expected: string) => z.object(shape, { error: `must be an object${expected}` });

const int = (min: number, max: number) =>
  number()
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const isolationSchema = z.enum(["inline", "worker"], { error: 'must be "inline" or "worker"' });

/** Where and how a child runs. Its own config is the workflow's `nodes[<name>]`, as in Blok. */
export const childDescriptorSchema = object(
  {
    /** The child's step name: keys its config (`nodes[name]`) and names it in results and errors. */
    name: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).describe("Step name of the child: keys its config nodes[name] and names it in results and errors."),
    /** What to run: a registered node key (`module`), a folder under the nodes directory (`local`), or a Python node name. */
    node: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).describe("What to run: a registered node key (module), a folder or file under the nodes directory (local), or a Python node name (runtime.python3)."),
    type: z.enum(["module", "local", "runtime.python3"], { error: 'must be "module", "local" or "runtime.python3"' }).default("module").describe("How the node is found and run."),
    /** For `local` children: run in the calling thread (`inline`) or in a worker thread (`worker`). Default: `execution.isolation`. */
    isolation: isolationSchema.optional().describe("local children only: inline (event loop) or worker (a worker thread). Default: execution.isolation."),
  },
  " with name and node",
).strict();

/** The core's execution options with the container's bounds, wording and descriptions. */
const { retry, tolerated_failures, ...executionHead } = executionOptionsShape({
  bounds: CONTAINER_BOUNDS,
  wording: WORKFLOW_WORDING,
  descriptions: {
    strategy: "parallel: up to max_concurrent children at once (sliding window); sequential: one at a time, in order (debugging).",
    error_handling: "fail-fast: the first failure cancels running children and fails the step; continue-partial: null in failed slots plus an errors list.",
    timeout: "Per-child, per-attempt timeout in ms, counted from the child's start (queue time excluded). The child is stopped (its ctx.signal aborts).",
    max_concurrent: "How many children run at once (ignored by sequential).",
    global_timeout: "Deadline of the whole container run in ms, queue time included; when it passes, running children are stopped and the step fails.",
    retry: "Per-child retries: attempts (first try included), delay_ms * backoff_factor^(n-1) capped at max_delay_ms, minus up to jitter of it. A child keeps its slot while it waits.",
    tolerated_failures: 'continue-partial only: how many failed children (a count, or a percentage of all children like "10%") are accepted before the step fails like fail-fast. Default: no limit.',
  },
});

/**
 * Execution settings of the container: the core's options (fields and the budget rule from
 * `executionOptionsShape`) extended with where children run. The fields keep the order
 * published in config.json (queue_timeout beside global_timeout).
 */
export const containerExecutionSchema = object(
  {
    ...executionHead,
    queue_timeout: int(CONTAINER_LIMITS.globalTimeout.min, CONTAINER_LIMITS.globalTimeout.max).optional().describe('backend "queue" only: the longest a child may wait in the queue for a worker to start it, in ms; a child still waiting then fails (QueueWaitTimeoutError). Its timeout counts from the worker\'s start.'),
    retry,
    tolerated_failures,
    /** How many containers may be nested in one chain, this one included; the smallest along a chain applies. */
    // Optional, its default applied where it is read (enterContainer): a parsed config lists only what was written or always applies.
    max_depth: int(CONTAINER_LIMITS.maxDepth.min, CONTAINER_LIMITS.maxDepth.max)
      .optional()
      .meta({ default: CONTAINER_LIMITS.maxDepth.default })
      .describe("How many parallel-execution containers may run nested in one another (this one included, counted from the outermost); the smallest max_depth along the chain applies. A container nested in itself, even through others, always fails."),
    /** Default isolation of `local` children. */
    isolation: isolationSchema.default("inline").describe("Default isolation of local children."),
    /** Where children run: in this process (`local`) or as BullMQ jobs on a worker pool (`queue`). */
    backend: z.enum(["local", "queue"], { error: 'must be "local" or "queue"' }).default("local").describe("local: children run in this process (and its worker threads / Python runtime); queue: each child is a BullMQ job run by `blok-parallel worker` processes, possibly on other machines."),
    queue: queueSettingsSchema.optional().describe("Settings of the queue backend."),
  },
  "",
)
  .strict()
  .superRefine(requireContinuePartialForBudget);

/** Map / batch mode: one child per item (or per batch of `batch_size` items), all running the same node. */
export const mapBlockSchema = object(
  {
    /** The items: an array, usually from an expression such as `"js/ctx.vars.dataset"`. */
    items: z.array(z.unknown(), { error: "must be an array (or an expression that gives one)" }).describe("The items to process, usually an expression such as \"js/ctx.vars.dataset\". Each child sees its item or batch as ctx.item and its position as ctx.index."),
    batch_size: int(CONTAINER_LIMITS.batchSize.min, CONTAINER_LIMITS.batchSize.max).optional().describe("Items per child; the last batch may be shorter. Without it every item is its own child."),
    /** The node every child runs; its config is `nodes[node.name]`, copied fresh for every child. */
    node: childDescriptorSchema.describe("The node every child runs; its config nodes[node.name] is copied fresh for each child."),
  },
  " with items and node",
).strict();

/** The whole container config: `execution` plus exactly one of `nodes` or `map`. */
export const containerConfigSchema = object(
  {
    execution: containerExecutionSchema.default(() => containerExecutionSchema.parse({})),
    nodes: z
      .array(childDescriptorSchema, { error: "must be an array of child descriptors" })
      .min(CONTAINER_LIMITS.children.min, { error: `must list at least ${CONTAINER_LIMITS.children.min} children` })
      .max(CONTAINER_LIMITS.children.max, { error: `must list at most ${CONTAINER_LIMITS.children.max} children (use map mode for more)` })
      .optional()
      .describe("The children (2 to 20), run with the same initial context, each isolated from its siblings."),
    map: mapBlockSchema.optional().describe("Map / batch mode: one child per item or per batch, all running the same node."),
  },
  ' with "nodes" or "map"',
)
  .strict()
  .superRefine((config, ctx) => {
    // Mirrored in config.json as a oneOf (see buildConfigJson).
    if ((config.nodes === undefined) === (config.map === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: 'must have exactly one of "nodes" (a list of children) or "map" (map / batch mode)' });
    }
  });

export type ChildDescriptor = z.output<typeof childDescriptorSchema>;
export type ContainerExecution = z.output<typeof containerExecutionSchema>;
export type MapBlock = z.output<typeof mapBlockSchema>;
export type ContainerConfig = z.output<typeof containerConfigSchema>;
/** The config as written in a workflow. */
export type ContainerConfigInput = z.input<typeof containerConfigSchema>;
