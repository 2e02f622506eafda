import type { SchedulerLike } from "rxjs";
import type { NodeBase, NodeLike, Step } from "../blok/index.js";
import { type ContainerDependencies, createParallelExecutionNode } from "../node/ParallelExecutionNode.js";
import type { ChildResolver, ChildStep, QueueConnector } from "../ports/index.js";
import { createRegistry, resolveStep, type RunWorkflowOptions, runWorkflow, type StepResolver, type WorkflowRun } from "../runner/index.js";
import type { NodeRegistry } from "../runtimes/module/index.js";

/** The registry keys the container answers to. */
export const CONTAINER_KEYS = ["parallel-execution", "@blok-ts/parallel-execution"] as const;

/** A runtime an environment can plug in: extra step types, a worker-isolation resolver, and its shutdown. */
export interface RuntimePlugin {
  /** Resolvers for step types (e.g. `runtime.python3`). */
  readonly resolvers?: Record<string, StepResolver>;
  /** Resolves `local` children whose isolation is `worker`. */
  readonly resolveWorker?: StepResolver;
  /** Releases what the plugin started (processes, threads, sockets). */
  close(): Promise<void>;
}

/** Options of {@link createEnvironment}. */
export interface EnvironmentOptions {
  /** Directory of `local` nodes; `NODES_PATH` when omitted. */
  readonly nodesDir?: string;
  /** Extra `module` nodes, by registry key. */
  readonly nodes?: Record<string, NodeLike>;
  /** Runtimes to plug in (Python, worker threads). Closed with the environment. */
  readonly plugins?: readonly RuntimePlugin[];
  /** Hears every event of every container run. */
  readonly onEvent?: ContainerDependencies["onEvent"];
  /** Timers of container runs (a TestScheduler in tests). */
  readonly scheduler?: SchedulerLike;
  /** Runs every container sequentially, whatever the workflows say. */
  readonly forceSequential?: boolean;
  /** Opens queue sessions for steps with `execution.backend: "queue"` (see `createQueueConnector`). */
  readonly connectQueue?: QueueConnector;
}

/** A ready-to-run Blok setup: registry with the container, step resolution, and one shutdown for everything. */
export interface BlokEnvironment {
  readonly registry: NodeRegistry;
  /** Resolves a workflow step or a container child. */
  resolveStep(step: Step): Promise<NodeBase>;
  /**
   * Resolves a container child exactly as this environment's container does: like
   * {@link BlokEnvironment.resolveStep}, except that a `local` child with isolation `worker` runs
   * in the worker plugin's threads. A queue worker resolves the children it takes from the queue
   * through it, so both backends resolve a child one way.
   *
   * @throws `Error` naming the child when it asks for worker isolation and no plugin provides it;
   * otherwise what {@link BlokEnvironment.resolveStep} throws.
   */
  readonly resolveChild: ChildResolver;
  /** Runs a workflow (document or file path) in this environment. */
  run(workflowOrPath: Parameters<typeof runWorkflow>[0], options?: Omit<RunWorkflowOptions, "registry" | "nodesDir" | "resolvers">): Promise<WorkflowRun>;
  /** Stops every runtime the environment started. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createChildResolver}. */
export interface ChildResolverOptions {
  /**
   * `module` nodes: this package's NodeRegistry (its `getNode` hands out a per-use copy and throws
   * for an unknown key). In a Blok app built on Blok's own classes use `createHostChildResolver`.
   */
  readonly registry: Pick<NodeRegistry, "getNode">;
  /** Directory of `local` nodes; `NODES_PATH` when omitted. */
  readonly nodesDir?: string;
  /** Runtimes: extra step types (`runtime.python3`) and worker isolation. */
  readonly plugins?: readonly RuntimePlugin[];
}

/**
 * How steps and container children are resolved: `module` from the registry, `local` from the
 * nodes directory, other types from the plugins, and `local` children with isolation `worker`
 * through the worker plugin, all on this package's classes. Pass `resolveChild` to `createParallelExecutionNode`.
 *
 * @example
 * ```ts
 * const registry = createRegistry();
 * const { resolveChild } = createChildResolver({ registry, nodesDir: process.env.NODES_PATH, plugins: [workerPlugin()] });
 * ```
 */
export function createChildResolver(options: ChildResolverOptions): {
  readonly resolvers: Record<string, StepResolver>;
  readonly resolveStep: (step: Step) => Promise<NodeBase>;
  readonly resolveChild: ChildResolver;
} {
  const { registry } = options;
  const plugins = options.plugins ?? [];
  const resolvers: Record<string, StepResolver> = Object.assign({}, ...plugins.map((plugin) => plugin.resolvers ?? {}));
  const resolveWorker = plugins.find((plugin) => plugin.resolveWorker)?.resolveWorker;
  const resolve = (step: Step) => resolveStep(step, { registry, ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}), resolvers });
  const resolveChild = async (step: ChildStep): Promise<NodeBase> => {
    if (step.type !== "local" || step.isolation !== "worker") return resolve(step);
    if (!resolveWorker) throw new Error(`Child '${step.name}' asks for worker isolation, but no worker runtime is configured`);
    return resolveStep(step, { registry, resolvers: { local: resolveWorker } });
  };
  return { resolvers, resolveStep: resolve, resolveChild };
}

/**
 * Wires the pieces the way a Blok app does: a registry holding the parallel-execution container
 * (under {@link CONTAINER_KEYS}) and the if-else node, `local` nodes from `nodesDir`, and the
 * runtimes given as plugins; the container resolves its children through the same resolution as
 * top-level steps, except `local` children with worker isolation.
 *
 * @param options - nodes directory, extra nodes, runtimes, progress listener.
 * @returns the environment; call `close()` when done (it closes the plugins, which tolerate a second close).
 * @example
 * ```ts
 * const env = createEnvironment({ nodesDir: "examples/nodes" });
 * try { console.log((await env.run("examples/pipeline/workflow.json")).response.data); } finally { await env.close(); }
 * ```
 */
export function createEnvironment(options: EnvironmentOptions = {}): BlokEnvironment {
  const registry = createRegistry(options.nodes);
  const plugins = options.plugins ?? [];
  const { resolvers, resolveStep: resolve, resolveChild } = createChildResolver({ registry, plugins, ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}) });
  const ParallelExecution = createParallelExecutionNode({
    resolveChild,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.forceSequential ? { forceSequential: true } : {}),
    ...(options.connectQueue ? { connectQueue: options.connectQueue } : {}),
  });
  for (const key of CONTAINER_KEYS) registry.addNode(key, new ParallelExecution());

  let closing: Promise<void> | undefined;
  return {
    registry,
    resolveStep: resolve,
    resolveChild,
    run: (workflowOrPath, runOptions = {}) =>
      runWorkflow(workflowOrPath, { ...runOptions, registry, ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}), resolvers }),
    close: () => (closing ??= Promise.allSettled(plugins.map((plugin) => plugin.close())).then(() => undefined)),
  };
}
