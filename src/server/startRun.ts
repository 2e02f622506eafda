import type { ParallelEvent } from "../core/index.js";
import { createEnvironment, type RuntimePlugin } from "../composition/index.js";
import type { QueueConnector } from "../ports/index.js";
import type { Tracing } from "../telemetry/index.js";
import { toJson } from "./httpResponses.js";
import { Run } from "./run.js";
import type { WorkflowRoute } from "./workflowRoutes.js";

/** What runs a workflow: node sources and runtimes, shared by every run of a server. */
export interface RunSetup {
  /** Directory of `local` nodes; `NODES_PATH` when omitted. */
  readonly nodesDir?: string;
  /** Runtimes (Python, worker threads), started once and shared by every run; the caller closes them. */
  readonly plugins?: readonly RuntimePlugin[];
  /** Queue sessions for steps with `execution.backend: "queue"`. */
  readonly connectQueue?: QueueConnector;
  /** Time limit of a step's expressions, ms (the runner's default when omitted). */
  readonly expressionTimeoutMs?: number;
  /** Bytes of events one run keeps for replay; unbounded when omitted. */
  readonly maxEventBytesPerRun?: number;
  /** Traces every run: its span, its steps' and its child attempts' (see `startTracing`). */
  readonly tracing?: Pick<Tracing, "forRun">;
}

/** The request as the workflow sees it in `ctx.request`. */
export interface RunRequest {
  readonly method: string;
  readonly body: unknown;
  readonly headers: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly params: Record<string, string>;
}

/** An event's SSE data: the executor's event with the container step's name; a `finished` event carries its outcome and snapshot, not the whole result. */
export function eventData(step: string, event: ParallelEvent<unknown>): string {
  if (event.type !== "finished") return toJson({ step, ...event });
  return toJson({ step, type: event.type, outcome: event.outcome, info: event.info, ...(event.outcome === "failed" ? { error: event.error.message } : {}) });
}

/**
 * Starts one run of a workflow. Each run has its own environment (a registry and container
 * bound to this run's event log) over the server's shared runtimes, so the container's
 * `onEvent` hook feeds exactly this run's stream; `ctx.id` is the run id.
 *
 * @param id - the run's id (`ctx.id`, the `x-run-id` header).
 * @param onEvent - also hears each container event of the run (the server's metrics).
 * @returns the run (status `running`) and the promise that settles when it has ended (never rejects).
 */
export function startRun(
  id: string,
  route: WorkflowRoute,
  request: RunRequest,
  setup: RunSetup,
  onEvent?: (run: Run, step: string, event: ParallelEvent<unknown>) => void,
): { run: Run; done: Promise<void> } {
  const run = new Run(id, route.name, setup.maxEventBytesPerRun);
  // A caller's W3C trace context in the request headers: the run's span continues that trace.
  const tracer = setup.tracing?.forRun(Object.fromEntries(["traceparent", "tracestate"].flatMap((name) => (typeof request.headers[name] === "string" ? [[name, request.headers[name]]] : []))));
  const env = createEnvironment({
    ...(setup.nodesDir ? { nodesDir: setup.nodesDir } : {}),
    plugins: setup.plugins ?? [],
    onEvent: (step, event) => {
      run.events.push(event.type, eventData(step, event));
      onEvent?.(run, step, event);
      tracer?.onEvent(step, event);
    },
    ...(setup.connectQueue ? { connectQueue: setup.connectQueue } : {}),
  });
  const done = env
    .run(route.workflow, {
      ...request,
      id: run.id,
      signal: run.controller.signal,
      ...(tracer ? { observer: tracer } : {}),
      ...(setup.expressionTimeoutMs !== undefined ? { expressionTimeoutMs: setup.expressionTimeoutMs } : {}),
    })
    .then(
      ({ response }) => run.settle({ data: response.data, contentType: response.contentType }),
      (error: unknown) => run.settle({ error }),
    );
  return { run, done };
}
