import type { SchedulerLike } from "rxjs";
import type { Context, NodeBase, NodeBlok, NodeBlokResponse } from "../blok/index.js";
import { executeParallel, InvalidOptionsError, type ParallelEvent, ParallelExecutionError, type ParallelResult } from "../core/index.js";
import { queueFailure, runFailure, setupFailure } from "./containerError.js";
import { CONTAINER_LIMITS, type ContainerConfig } from "./containerSchema.js";
import { defaultHost, type HostClasses, toBlokHost } from "./host.js";
import { ChildResolutionError, NestingError } from "./errors.js";
import { enterContainer } from "./nestingChain.js";
import type { ChildResolver, ChildStep, QueueConnector, RemoteSession } from "../ports/index.js";
import { type ChildBackend, planChildren } from "./planChildren.js";
import { readContainerConfig } from "./readContainerConfig.js";

/**
 * What the container needs from the app it is registered in. `Node` is the app's runnable node
 * type (this package's `NodeBase` by default, `NanoService` in a released Blok app).
 */
export interface ContainerDependencies<Node extends object = NodeBase> {
  /** Turns a child step into a fresh runnable node (see `createChildResolver` / `createHostChildResolver` in the environment layer). */
  readonly resolveChild: (step: ChildStep) => Promise<Node>;
  /** Hears every event of every run of this container (a CLI progress bar, a log). */
  readonly onEvent?: (step: string, event: ParallelEvent<unknown>) => void;
  /** Timers for the runs; a TestScheduler in tests. */
  readonly scheduler?: SchedulerLike;
  /** Forces every run to `sequential`, whatever the workflow says (debugging, speed-up baselines). */
  readonly forceSequential?: boolean;
  /** Opens a queue session for runs with `execution.backend: "queue"`. */
  readonly connectQueue?: QueueConnector;
}

/** What the container step outputs, as `ctx.response.data` and `ctx.vars[<step>]`. */
export type ContainerOutput = ParallelResult<unknown>;

function coreOptions({ execution }: ContainerConfig, forceSequential: boolean | undefined) {
  const { isolation: _isolation, backend, queue: _queue, queue_timeout: _queueTimeout, max_depth: _maxDepth, timeout, ...rest } = execution;
  // Queue runs: the queue session times each attempt from the moment a worker starts it (the
  // core would count the wait in the queue too); see QueueSettings.timeout.
  const options = backend === "queue" || timeout === undefined ? rest : { ...rest, timeout };
  return forceSequential ? { ...options, strategy: "sequential" as const } : options;
}

/**
 * Builds the parallel-execution container class on a host's Blok classes.
 *
 * The node is not a Blok flow node: a flow node must return steps and loses its errors in the
 * stock runner, while this one produces data. `handle` validates its config, runs the children
 * through the core executor, and returns `{ results, errors?, execution_info }` as its response
 * data; it also stores that output in `ctx.vars[<its step name>]`, so the next step can read
 * `js/ctx.vars['<step>'].results` with or without `set_var`. A failed run (fail-fast, global
 * timeout, exceeded failure budget, cancellation) throws the host's GlobalError, which aborts the
 * workflow even under `set_var`.
 *
 * In a Blok app, pass the app's classes as `host`: the class then extends the app's `NodeBlok`
 * (`NanoService` in the released line), `resolveChild` returns the app's nodes, and an instance
 * goes into the app's node map as it is. `createHostChildResolver` builds that resolver.
 *
 * @param deps - how to resolve children, and who hears the progress.
 * @param host - the Blok classes to build on (default: this package's).
 * @returns the node class; register one instance, e.g. under `parallel-execution`.
 * @example
 * ```ts
 * const registry = createRegistry();
 * const { resolveChild } = createChildResolver({ registry, nodesDir: "examples/nodes" });
 * const ParallelExecution = createParallelExecutionNode({ resolveChild });
 * registry.addNode("parallel-execution", new ParallelExecution());
 * ```
 */
export function createParallelExecutionNode(deps: ContainerDependencies): new () => NodeBlok<unknown>;
/**
 * The container on a Blok app's own classes (released Blok: `NanoService`, `NanoServiceResponse`,
 * `GlobalError`, `Runner`): the class extends the app's `NodeBlok`, so an instance goes into the
 * app's node map as it is, and `resolveChild` returns nodes the app's `Runner` takes.
 *
 * @param deps - how to resolve children (`createHostChildResolver`), and who hears the progress.
 * @param host - the app's classes.
 * @returns the node class.
 * @example
 * ```ts
 * import { createHostChildResolver, createParallelExecutionNode } from "@blok-ts/parallel-execution";
 * import { NanoService, NanoServiceResponse, Runner } from "@nanoservice-ts/runner";
 * import { GlobalError, type NodeBase } from "@nanoservice-ts/shared";
 *
 * const nodes: { [key: string]: NodeBase } = {};
 * const host = { NodeBlok: NanoService, NodeBlokResponse: NanoServiceResponse, GlobalError, Runner };
 * const ParallelExecution = createParallelExecutionNode({ resolveChild: createHostChildResolver(nodes, host) }, host);
 * nodes["parallel-execution"] = new ParallelExecution();
 * ```
 */
export function createParallelExecutionNode<Node extends object>(deps: ContainerDependencies<NoInfer<Node>>, host: HostClasses<Node>): new () => Node;
export function createParallelExecutionNode(deps: ContainerDependencies<object>, classes?: HostClasses<object>): new () => object {
  const host = classes ? toBlokHost(classes) : defaultHost;
  // The host's Runner takes what its resolver returns; this package's code sees both as NodeBase.
  const resolveChild = deps.resolveChild as ChildResolver;
  async function openQueue(step: string, config: ContainerConfig): Promise<RemoteSession> {
    const settings = config.execution.queue ?? { name: "blok-parallel", max_result_bytes: 16 * 1024 * 1024 };
    if (!deps.connectQueue) {
      const error = new host.GlobalError(`parallel-execution step '${step}' asks for backend "queue", but this app has no queue backend configured`);
      error.setCode(500);
      error.setName(step);
      throw error;
    }
    const { timeout, queue_timeout } = config.execution;
    try {
      return await deps.connectQueue({ ...settings, ...(timeout === undefined ? {} : { timeout }), ...(queue_timeout === undefined ? {} : { queue_timeout }) });
    } catch (error) {
      throw queueFailure(host, step, settings.name, error);
    }
  }

  const Base = host.NodeBlok as abstract new () => NodeBlok<unknown>;
  return class ParallelExecution extends Base {
    constructor() {
      super();
      this.contentType = "application/json";
      // handle only reads its inputs (children get copies of their batches), so a literal item
      // array in the workflow is not copied once more for the step (ignored by a stock Blok host).
      this.inputsReadOnly = true;
    }

    async handle(ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
      const step = this.name;
      let config: ContainerConfig;
      let parent: Context;
      try {
        config = readContainerConfig(step, inputs, ctx.config[step]);
        // Before anything starts: a container nested in itself would nest forever.
        parent = enterContainer(ctx, step, config.execution.max_depth ?? CONTAINER_LIMITS.maxDepth.default);
      } catch (error) {
        if (error instanceof InvalidOptionsError || error instanceof NestingError) throw setupFailure(host, step, error);
        throw error;
      }
      const session = config.execution.backend === "queue" ? await openQueue(step, config) : undefined;
      try {
        const backend: ChildBackend = session ? { kind: "remote", execute: session.execute } : { kind: "local", resolve: resolveChild, host };
        const output = await this.runChildren(step, config, parent, backend);
        this.setVar(ctx, { [step]: output });
        const response = new host.NodeBlokResponse();
        response.setSuccess(output as never);
        return response;
      } finally {
        await session?.close();
      }
    }

    private async runChildren(step: string, config: ContainerConfig, ctx: Context, backend: ChildBackend): Promise<ContainerOutput> {
      let planned: Awaited<ReturnType<typeof planChildren>>;
      try {
        planned = await planChildren(step, config, ctx, backend);
      } catch (error) {
        if (error instanceof ChildResolutionError) throw setupFailure(host, step, error);
        throw error;
      }
      const onEvent = deps.onEvent;
      const execution = executeParallel(planned.children, coreOptions(config, deps.forceSequential), {
        total: planned.total,
        progress: onEvent ? "events" : "none",
        ...(onEvent ? { onEvent: (event: ParallelEvent<unknown>) => onEvent(step, event) } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
      });
      try {
        return await execution.result;
      } catch (error) {
        if (error instanceof ParallelExecutionError) throw runFailure(host, step, error);
        throw error;
      }
    }
  };
}
