import type * as BullMQ from "bullmq";
import type { Job } from "bullmq";
import { requirePeer } from "../../peers/index.js";
import { childLabel, type QueueJobData, type QueueJobResult, readJobData } from "../../runtimes/queue/protocol.js";
import type { LockHeartbeat } from "./lockHeartbeat.js";
import type { QueueWorkerEvent } from "./queueWorkerEvent.js";
import type { RecentCancels } from "./recentCancels.js";
import { type JobRun, type JobRunner, runJob } from "./runJob.js";

// bullmq is an optional peer, loaded when this module is: only the queue worker imports it.
const { DelayedError, UnrecoverableError, WaitingError } = requirePeer<typeof BullMQ>("bullmq");

/** How long a Python job handed back by a worker whose runtime is down waits before it is taken again. */
const PYTHON_UNAVAILABLE_DELAY_MS = 1_000;

/** A job running on this worker, as shutdown and lock loss see it. */
export interface RunningJob {
  readonly job: Job;
  readonly token: string;
  readonly data: QueueJobData;
  /** Set when shutdown gives the job back: the processor then moves it to wait instead of failing it. */
  returning: boolean;
}

/** What the job processor needs from its worker. */
export interface JobProcessorParts extends JobRunner {
  /** Jobs running now, by job id (shared with shutdown and the heartbeat's lock-loss report). */
  readonly running: Map<string, RunningJob>;
  readonly heartbeat: LockHeartbeat;
  readonly recentCancels: RecentCancels;
  /** Whether this worker's Python runtime can serve now. */
  readonly pythonAvailable: () => boolean;
  readonly report: (event: QueueWorkerEvent) => void;
}

/** BullMQ's processor signature, with the job's cancellation signal. */
export type JobProcessor = (job: Job, token: string | undefined, signal: AbortSignal | undefined) => Promise<QueueJobResult>;

/**
 * The BullMQ processor of a queue worker: admits a job (refusing bad data, honouring an early
 * cancel, handing a Python job back while the runtime is down), runs it with its lock renewed by
 * the heartbeat, and turns its end into BullMQ's terms: a result, a failure, an unrecoverable
 * cancellation, or the job moved back to wait at shutdown.
 */
export function createJobProcessor(parts: JobProcessorParts): JobProcessor {
  const { running, heartbeat, report } = parts;
  return async (job, token, signal) => {
    const started = performance.now();
    const data = admit(job, report);
    const id = String(job.id);
    const child = childLabel(data.step, data.ctx);
    const base = { job: id, child, container: data.container };
    if (parts.recentCancels.take(id)) {
      report({ type: "cancelled", ...base });
      throw new UnrecoverableError(`cancelled by the container before it started (child '${child}')`);
    }
    if (data.step.type === "runtime.python3" && !parts.pythonAvailable()) {
      // This worker's Python runtime is restarting or down: hand the job back, delayed, for a
      // worker whose runtime serves, instead of failing it here.
      await job.moveToDelayed(Date.now() + PYTHON_UNAVAILABLE_DELAY_MS, token);
      report({ type: "returned", ...base });
      throw new DelayedError();
    }
    const entry: RunningJob = { job, token: token ?? "", data, returning: false };
    running.set(id, entry);
    heartbeat.track(id, entry.token);
    report({ type: "started", ...base });
    const run: JobRun = { job, data, child, started, signal: signal ?? new AbortController().signal };
    try {
      const result = await runJob(parts, run);
      report({ type: "completed", ...base, ms: result.work_ms });
      return result;
    } catch (error) {
      throw await failure(entry, run, error, report);
    } finally {
      running.delete(id);
      heartbeat.untrack(id);
    }
  };
}

/** The job's data, checked. @throws `UnrecoverableError` (reported as `refused`) when it breaks the wire contract. */
function admit(job: Job, report: JobProcessorParts["report"]): QueueJobData {
  try {
    return readJobData(job.data);
  } catch (error) {
    report({ type: "refused", job: String(job.id), message: (error as Error).message });
    throw new UnrecoverableError((error as Error).message);
  }
}

/** What the processor throws for a job that did not finish: given back at shutdown, cancelled, or failed. */
async function failure(entry: RunningJob, run: JobRun, error: unknown, report: JobProcessorParts["report"]): Promise<Error> {
  const base = { job: String(run.job.id), child: run.child, container: run.data.container };
  if (entry.returning) {
    // Shutdown: give the job back to the queue for another worker instead of failing it.
    await run.job.moveToWait(entry.token);
    report({ type: "returned", ...base });
    return new WaitingError();
  }
  if (run.signal.aborted) {
    report({ type: "cancelled", ...base });
    return new UnrecoverableError(`cancelled: ${reasonText(run.signal.reason)}`);
  }
  const message = error instanceof Error ? error.message : reasonText(error);
  report({ type: "failed", ...base, message, ms: performance.now() - run.started });
  return error instanceof Error ? error : new Error(message);
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : String(reason);
}
