import type { SchedulerLike } from "rxjs";
import type { Context, NodeBlok, NodeBlokResponse } from "../blok/index.js";
import { executeParallel, InvalidOptionsError, type ParallelEvent, ParallelExecutionError, type ParallelResult } from "../core/index.js";
import { queueFailure, runFailure, setupFailure } from "./containerError.js";
import type { ContainerConfig } from "./containerSchema.js";
import { type BlokHost, defaultHost } from "./host.js";
import { type ChildBackend, ChildResolutionError, type ChildResolver, planChildren } from "./planChildren.js";
import type { QueueConnector, RemoteSession } from "./remoteJob.js";
import { readContainerConfig } from "./readContainerConfig.js";

/** What the container needs from the app it is registered in. */
export interface ContainerDependencies {
  /** Turns a child step into a runnable node (see `createChildResolver` in the environment layer). */
  readonly resolveChild: ChildResolver;
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
  const { isolation: _isolation, backend, queue: _queue, queue_timeout: _queueTimeout, timeout, ...rest } = execution;
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
 * @param deps - how to resolve children, and who hears the progress.
 * @param host - the Blok classes to build on (default: this package's).
 * @returns the node class; register one instance, e.g. under `parallel-execution`.
 * @example
 * ```ts
 * const ParallelExecution = createParallelExecutionNode({ resolveChild });
 * registry.addNode("parallel-execution", new ParallelExecution());
 * ```
 */
export function createParallelExecutionNode(deps: ContainerDependencies, host: BlokHost = defaultHost): new () => NodeBlok<unknown> {
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
      try {
        config = readContainerConfig(step, inputs, ctx.config[step]);
      } catch (error) {
        if (error instanceof InvalidOptionsError) throw setupFailure(host, step, error);
        throw error;
      }
      const session = config.execution.backend === "queue" ? await openQueue(step, config) : undefined;
      try {
        const backend: ChildBackend = session ? { kind: "remote", execute: session.execute } : { kind: "local", resolve: deps.resolveChild, host };
        const output = await this.runChildren(step, config, ctx, backend);
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
