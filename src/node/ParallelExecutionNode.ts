import type { SchedulerLike } from "rxjs";
import type { Context, NodeBase, NodeBlok, NodeBlokResponse } from "../blok/index.js";
import { executeValidated, type ExecutionOptions, InvalidOptionsError, type ParallelEvent, ParallelExecutionError, type ParallelResult } from "../core/index.js";
import { queueFailure, runFailure, setupFailure } from "./containerError.js";
import { CONTAINER_LIMITS, type ContainerConfig } from "./containerSchema.js";
import { type BlokHost, defaultHost, type HostClasses, toBlokHost } from "./host.js";
import { ChildResolutionError, NestingError } from "./errors.js";
import { enterContainer } from "./nestingChain.js";
import { type ChildResolver, type ChildStep, type QueueConnector, queueSettingsSchema, type RemoteSession } from "../ports/index.js";
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

/** The core's part of a parsed `execution`: filled and within the core's bounds, so handed over as it is (no second parse). */
function coreOptions({ execution }: ContainerConfig, forceSequential: boolean | undefined): ExecutionOptions {
  const { isolation: _isolation, backend, queue: _queue, queue_timeout: _queueTimeout, max_depth: _maxDepth, timeout, ...rest } = execution;
  // Queue runs: the queue session times each attempt from the moment a worker starts it (the
  // core would count the wait in the queue too); see QueueSettings.timeout.
  const options = backend === "queue" || timeout === undefined ? rest : { ...rest, timeout };
  return forceSequential ? { ...options, strategy: "sequential" as const } : options;
}

/**
 * The parallel-execution container: what one step of it does, on one host's Blok classes. The
 * node class a Blok app registers (built by {@link createParallelExecutionNode}) is a thin
 * subclass of the host's `NodeBlok` that hands `handle` to this object: the base class is the
 * host's, known only at run time, so the logic lives here, in a class of its own.
 *
 * `handle` validates the step's config, runs the children through the core executor, and
 * returns `{ results, errors?, execution_info }` as its response data; it also stores that
 * output in `ctx.vars[<its step name>]`. A failed run throws the host's GlobalError.
 */
export class ParallelExecutionNode {
  /** The host's Runner takes what its resolver returns; this package's code sees both as NodeBase. */
  private readonly resolveChild: ChildResolver;

  constructor(
    private readonly deps: ContainerDependencies<object>,
    private readonly host: BlokHost,
  ) {
    this.resolveChild = deps.resolveChild as ChildResolver;
  }

  /** Runs the step `node.name` (the host node that received `handle`). */
  async handle(node: NodeBlok<unknown>, ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
    const { host } = this;
    const step = node.name;
    const { config, parent } = this.setUp(step, ctx, inputs);
    const session = config.execution.backend === "queue" ? await this.openQueue(step, config) : undefined;
    try {
      const backend: ChildBackend = session ? { kind: "remote", execute: session.execute } : { kind: "local", resolve: this.resolveChild, host };
      const output = await this.runChildren(step, config, parent, backend);
      node.setVar(ctx, { [step]: output });
      const response = new host.NodeBlokResponse();
      response.setSuccess(output as never);
      return response;
    } finally {
      await session?.close();
    }
  }

  /** Reads the config and enters the nesting chain, before anything starts (a container nested in itself would nest forever). */
  private setUp(step: string, ctx: Context, inputs: unknown): { config: ContainerConfig; parent: Context } {
    try {
      const config = readContainerConfig(step, inputs, ctx.config[step]);
      return { config, parent: enterContainer(ctx, step, config.execution.max_depth ?? CONTAINER_LIMITS.maxDepth.default) };
    } catch (error) {
      if (error instanceof InvalidOptionsError || error instanceof NestingError) throw setupFailure(this.host, step, error);
      throw error;
    }
  }

  private async openQueue(step: string, config: ContainerConfig): Promise<RemoteSession> {
    const settings = config.execution.queue ?? queueSettingsSchema.parse({});
    const { connectQueue } = this.deps;
    if (!connectQueue) {
      const error = new this.host.GlobalError(`parallel-execution step '${step}' asks for backend "queue", but this app has no queue backend configured`);
      error.setCode(500);
      error.setName(step);
      throw error;
    }
    const { timeout, queue_timeout } = config.execution;
    try {
      return await connectQueue({ ...settings, ...(timeout === undefined ? {} : { timeout }), ...(queue_timeout === undefined ? {} : { queue_timeout }) });
    } catch (error) {
      throw queueFailure(this.host, step, settings.name, error);
    }
  }

  private async runChildren(step: string, config: ContainerConfig, ctx: Context, backend: ChildBackend): Promise<ContainerOutput> {
    let planned: Awaited<ReturnType<typeof planChildren>>;
    try {
      planned = await planChildren(step, config, ctx, backend);
    } catch (error) {
      if (error instanceof ChildResolutionError) throw setupFailure(this.host, step, error);
      throw error;
    }
    const { onEvent, scheduler, forceSequential } = this.deps;
    const execution = executeValidated(planned.children, coreOptions(config, forceSequential), {
      total: planned.total,
      progress: onEvent ? "events" : "none",
      ...(onEvent ? { onEvent: (event: ParallelEvent<unknown>) => onEvent(step, event) } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(scheduler ? { scheduler } : {}),
    });
    try {
      return await execution.result;
    } catch (error) {
      if (error instanceof ParallelExecutionError) throw runFailure(this.host, step, error);
      throw error;
    }
  }
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
  const container = new ParallelExecutionNode(deps, host);
  const Base = host.NodeBlok as abstract new () => NodeBlok<unknown>;
  return class ParallelExecution extends Base {
    constructor() {
      super();
      this.contentType = "application/json";
      // handle only reads its inputs (children get copies of their batches), so a literal item
      // array in the workflow is not copied once more for the step (ignored by a stock Blok host).
      this.inputsReadOnly = true;
    }

    handle(ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
      return container.handle(this, ctx, inputs);
    }
  };
}
