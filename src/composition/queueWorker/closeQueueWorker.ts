import { setTimeout as delay } from "node:timers/promises";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { within } from "../../runtimes/queue/connectRedis.js";
import type { BlokEnvironment } from "../createEnvironment.js";
import type { RunningJob } from "./jobProcessor.js";
import type { LockHeartbeat } from "./lockHeartbeat.js";
import type { QueueWorkerEvent } from "./queueWorkerEvent.js";

/** Everything a queue worker holds, released by its close sequence. */
export interface QueueWorkerParts {
  readonly worker: Worker;
  /** BullMQ's main loop (`worker.run()`), ending once the worker closes. */
  readonly loop: Promise<unknown>;
  readonly running: Map<string, RunningJob>;
  readonly heartbeat: LockHeartbeat;
  readonly subscriber: Redis;
  readonly commands: Redis;
  readonly environment: Pick<BlokEnvironment, "close">;
  readonly report: (event: QueueWorkerEvent) => void;
}

/** How long BullMQ's worker gets to close once the running jobs were given back. */
const WORKER_CLOSE_MS = 10_000;
/** How long its main loop gets to end after that. */
const LOOP_END_MS = 1_000;

/**
 * A queue worker's `close({ graceMs })`: takes no new job, lets running ones finish for `graceMs`
 * (default `defaultGraceMs`), then aborts the rest and puts them back in the queue for another
 * worker (the processor moves each to wait), and closes the heartbeat, both connections and the
 * environment's runtimes. Idempotent; a second call with `graceMs: 0` cuts the wait short.
 */
export function closeQueueWorker(parts: QueueWorkerParts, defaultGraceMs: number): (options?: { readonly graceMs?: number }) => Promise<void> {
  let closing: Promise<void> | undefined;
  const cutShort = new AbortController();
  return ({ graceMs } = {}) => {
    if (closing) {
      if (graceMs === 0) cutShort.abort();
      return closing;
    }
    return (closing = shutdown(parts, graceMs ?? defaultGraceMs, cutShort));
  };
}

async function shutdown(parts: QueueWorkerParts, graceMs: number, cutShort: AbortController): Promise<void> {
  const { worker, running } = parts;
  parts.report({ type: "closing", running: running.size, graceMs });
  const finished = worker.close();
  await Promise.race([finished, delay(graceMs, undefined, { signal: cutShort.signal }).catch(() => undefined)]);
  // Clears the grace timer when the jobs finished first.
  cutShort.abort();
  for (const entry of running.values()) {
    entry.returning = true;
    worker.cancelJob(String(entry.job.id), "worker shutting down");
  }
  await within(finished, WORKER_CLOSE_MS);
  await within(parts.loop, LOOP_END_MS);
  await parts.heartbeat.close();
  await parts.subscriber.quit().catch(() => undefined);
  parts.subscriber.disconnect();
  await parts.commands.quit().catch(() => undefined);
  parts.commands.disconnect();
  await parts.environment.close();
}
