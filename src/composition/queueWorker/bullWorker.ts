import type * as BullMQ from "bullmq";
import { requirePeer } from "../../peers/index.js";
import type { Redis } from "ioredis";
import type { LateResults } from "../../runtimes/queue/lateResults.js";
import type { JobProcessor } from "./jobProcessor.js";
import type { QueueWorkerSettings } from "./queueWorkerOptions.js";

// bullmq is an optional peer, loaded when this module is: only the queue worker imports it.
const { Worker } = requirePeer<typeof BullMQ>("bullmq");
type Worker = BullMQ.Worker;

/**
 * The BullMQ worker of a queue worker, not yet running (`autorun: false`): its locks are renewed
 * by the heartbeat thread, not by BullMQ; its completions are confirmed to `late`, and a refused
 * completion (the lock was taken away) is handed over as a late result instead of being reported.
 */
export function bullWorker(settings: QueueWorkerSettings, processor: JobProcessor, commands: Redis, late: LateResults): Worker {
  const { report } = settings;
  const worker = new Worker(settings.queueName, processor, {
    connection: commands,
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    autorun: false,
    lockDuration: settings.lockDuration,
    // The heartbeat thread renews the locks; BullMQ's own renewal (on the event loop, which a
    // synchronous node blocks) is switched off.
    skipLockRenewal: true,
    stalledInterval: settings.stalledInterval,
    maxStalledCount: settings.maxStalledCount,
  });
  worker.on("completed", (job) => late.accepted(String(job.id)));
  worker.on("error", (error) => {
    if (!late.refused(error)) report({ type: "error", message: error.message });
  });
  worker.on("stalled", (jobId) => report({ type: "stalled", job: jobId }));
  return worker;
}
