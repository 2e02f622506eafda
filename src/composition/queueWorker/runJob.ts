import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { type LoggerContext, runWithInputs } from "../../blok/index.js";
import { type ChildResolver, setChildHooks } from "../../ports/index.js";
import { ATTR, type Tracing } from "../../telemetry/index.js";
import { ResultTooLargeError } from "../../runtimes/queue/errors.js";
import type { LateResults } from "../../runtimes/queue/lateResults.js";
import { INLINE_RESULT_BYTES, PROTOCOL_VERSION, type QueueJobData, type QueueJobResult, RESULT_TTL_SECONDS, resultKey } from "../../runtimes/queue/protocol.js";
import { attachSharedContext, remoteNodeContext } from "./remoteNodeContext.js";
import type { SharedContexts } from "./sharedContexts.js";
import { untilAborted } from "./untilAborted.js";

/** What running a job needs from its worker. */
export interface JobRunner {
  /** The environment's child resolution (the container's own, see `BlokEnvironment.resolveChild`). */
  readonly resolveChild: ChildResolver;
  readonly sharedContexts: SharedContexts;
  readonly late: LateResults;
  /** The command connection (large results go to a side key). */
  readonly commands: Redis;
  readonly prefix: string;
  readonly queueName: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: LoggerContext;
  /** Traces each job in a span continuing its producer's trace (see `startTracing`). */
  readonly tracing?: Pick<Tracing, "continueTrace"> | undefined;
}

/** One job, admitted and running on this worker. */
export interface JobRun {
  readonly job: Job;
  readonly data: QueueJobData;
  /** The child's display name. */
  readonly child: string;
  /** When the processor took the job (`performance.now()`). */
  readonly started: number;
  /** The node's `ctx.signal`: BullMQ's processor signal (`Worker.cancelJob`). */
  readonly signal: AbortSignal;
}

/** The remote child sees no context objects of another thread or process: what it gets is already plain. */
const ALLOWED_PLAIN = <T>(value: T): T => value;

/**
 * Resolves the job's node, runs it on its pre-mapped inputs (never mapping them again) in a
 * context rebuilt from the job, and delivers its result.
 *
 * @throws {@link ResultTooLargeError} when the result exceeds the job's `max_result_bytes`; the
 * signal's reason once it aborts; whatever resolving or running the node throws.
 */
export async function runJob(runner: JobRunner, run: JobRun): Promise<QueueJobResult> {
  const { data, signal } = run;
  const step = data.step;
  // Only what the wire contract names: nothing else of a job's step reaches the node.
  const node = await runner.resolveChild({ name: step.name, node: step.node, type: step.type, isolation: step.isolation });
  const resolved = performance.now();
  // Cancelled while the node was being resolved: do not start it.
  signal.throwIfAborted();
  const timing: Record<string, number> = {};
  const ctx = remoteNodeContext(data, signal, runner.env, runner.logger);
  await attachSharedContext(ctx, data.shared, runner.sharedContexts);
  setChildHooks(ctx, { reportTiming: (reported) => Object.assign(timing, reported), toPlain: ALLOWED_PLAIN });
  const work = () => runWithInputs(node, ctx, data.inputs);
  const attributes = { [ATTR.container]: data.container, [ATTR.child]: run.child, [ATTR.attempt]: data.attempt, [ATTR.queue]: runner.queueName, [ATTR.job]: String(run.job.id) };
  const output = await untilAborted(runner.tracing?.continueTrace(`queue job ${step.name}`, data.trace, attributes, work) ?? work(), signal);
  return deliverResult(runner, run, output, { ...timing, resolve_ms: resolved - run.started });
}

/**
 * The job's return value: the result inline up to {@link INLINE_RESULT_BYTES}, else in a side key
 * (with {@link RESULT_TTL_SECONDS}). The result is also kept by `LateResults` until BullMQ accepts
 * the completion: refused (the lock was taken away), it becomes a late result.
 */
async function deliverResult(runner: JobRunner, run: JobRun, output: unknown, timing: Record<string, number>): Promise<QueueJobResult> {
  const { data, child, job } = run;
  const json = output === undefined ? undefined : toJson(output, child);
  const bytes = json === undefined ? 0 : Buffer.byteLength(json);
  if (bytes > data.max_result_bytes) throw new ResultTooLargeError(child, data.container, bytes, data.max_result_bytes);
  const envelope: QueueJobResult = { v: PROTOCOL_VERSION, bytes, work_ms: performance.now() - run.started, timing };
  runner.late.finishing(String(job.id), { child, container: data.container, envelope, data: output, ...(json === undefined ? {} : { json }) });
  if (json === undefined) return envelope;
  if (bytes <= INLINE_RESULT_BYTES) return { ...envelope, data: output };
  await runner.commands.set(resultKey(runner.prefix, runner.queueName, String(job.id)), json, "EX", RESULT_TTL_SECONDS);
  return { ...envelope, stored: true };
}

function toJson(value: unknown, child: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`The result of child '${child}' cannot cross the wire as JSON: ${(error as Error).message}`);
  }
}
