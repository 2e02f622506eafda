import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { connectRedis } from "../../runtimes/queue/connectRedis.js";
import { LateResults } from "../../runtimes/queue/lateResults.js";
import { childLabel, sharedContextKey } from "../../runtimes/queue/protocol.js";
import { type BlokEnvironment, createEnvironment } from "../createEnvironment.js";
import { bullWorker } from "./bullWorker.js";
import { listenForCancels } from "./cancelRequests.js";
import { closeQueueWorker } from "./closeQueueWorker.js";
import { createJobProcessor, type RunningJob } from "./jobProcessor.js";
import { LockHeartbeat } from "./lockHeartbeat.js";
import { type QueueWorkerOptions, type QueueWorkerSettings, queueWorkerSettings } from "./queueWorkerOptions.js";
import { RecentCancels } from "./recentCancels.js";
import { pythonAvailable } from "../defaultRuntimePlugins.js";
import { SharedContexts } from "./sharedContexts.js";

/** A running worker. */
export interface QueueWorker {
  /** BullMQ's worker id. */
  readonly id: string;
  /** Jobs running right now. */
  readonly running: number;
  /**
   * Graceful shutdown: takes no new job, lets running ones finish for `graceMs` (default
   * `shutdownGraceMs`), then aborts the rest and puts them back in the queue for another worker,
   * and closes every connection and runtime. Idempotent; a second call with `graceMs: 0` cuts the
   * wait short.
   */
  close(options?: { readonly graceMs?: number }): Promise<void>;
}

/**
 * Starts a queue worker: takes child jobs from BullMQ queue `queue` and runs each node on its
 * pre-mapped inputs (never mapping them again) with the same runtimes as the local backend:
 * `module` nodes from its registry, `local` nodes from ITS OWN `nodesDir` (inline or in worker
 * threads), `runtime.python3` nodes from ITS OWN Python runtime, each child resolved as the
 * container resolves it (`BlokEnvironment.resolveChild`). The payload names a node; it never
 * carries code or paths (see `readJobData`).
 *
 * Cancellation: the producer publishes cancel requests; the job's processor signal
 * (BullMQ's `Worker.cancelJob`) is the node's `ctx.signal`, and the job fails at once even when
 * the node ignores the abort. A job whose worker dies (SIGKILL, lost machine) is put back in the
 * queue by the stalled-job check of the other workers within `lockDuration + stalledInterval`
 * (4 s by default) and run again: nodes should be idempotent. Locks are renewed from a thread
 * ({@link LockHeartbeat}), so a node that blocks the event loop does not make its worker look dead.
 *
 * @returns the worker, once connected; call `close()` to stop it.
 * @throws {@link QueueConnectionError} when Redis cannot be reached; {@link QueueConfigError} for a bad URL.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const settings = queueWorkerSettings(options);
  const { report, plugins } = settings;
  const environment = createEnvironment({ ...(settings.nodesDir ? { nodesDir: settings.nodesDir } : {}), ...(settings.nodes ? { nodes: settings.nodes } : {}), plugins });
  const { commands, subscriber } = await openConnections(settings, environment);
  const running = new Map<string, RunningJob>();
  const heartbeat = lockHeartbeat(settings, running);
  const recentCancels = new RecentCancels();
  const late = new LateResults(commands, settings.prefix, settings.queueName, (job, child, container) => report({ type: "superseded", job, child, container }));
  const processor = createJobProcessor({
    resolveChild: environment.resolveChild,
    sharedContexts: new SharedContexts((id) => commands.get(sharedContextKey(settings.prefix, settings.queueName, id))),
    late,
    commands,
    prefix: settings.prefix,
    queueName: settings.queueName,
    env: settings.env,
    logger: settings.logger,
    tracing: options.tracing,
    running,
    heartbeat,
    recentCancels,
    pythonAvailable: () => pythonAvailable(plugins),
    report,
  });

  let worker: Worker | undefined;
  try {
    worker = bullWorker(settings, processor, commands, late);
    await listenForCancels(subscriber, worker, recentCancels, settings, report);
    await worker.waitUntilReady();
  } catch (error) {
    await worker?.close(true).catch(() => undefined);
    subscriber.disconnect();
    commands.disconnect();
    await heartbeat.close();
    await environment.close();
    throw error;
  }
  const loop = worker.run().catch((error: Error) => report({ type: "error", message: error.message }));
  report({ type: "ready", worker: worker.id, queue: settings.queueName, url: settings.where, concurrency: settings.concurrency });

  const serving = worker;
  return {
    get id() {
      return serving.id;
    },
    get running() {
      return running.size;
    },
    close: closeQueueWorker({ worker, loop, running, heartbeat, subscriber, commands, environment, report }, settings.shutdownGraceMs),
  };
}

/** The command connection and the cancel channel's subscriber; the environment is closed when Redis cannot be reached. */
async function openConnections(settings: QueueWorkerSettings, environment: Pick<BlokEnvironment, "close">): Promise<{ commands: Redis; subscriber: Redis }> {
  try {
    const commands = await connectRedis(settings.redisUrl, settings.connectTimeoutMs);
    commands.on("error", (error: Error) => settings.report({ type: "error", message: `redis: ${error.message}` }));
    return { commands, subscriber: commands.duplicate() };
  } catch (error) {
    await environment.close();
    throw error;
  }
}

/** The lock renewal thread of this worker's running jobs; a lock taken away is reported as `lost`. */
function lockHeartbeat(settings: QueueWorkerSettings, running: ReadonlyMap<string, RunningJob>): LockHeartbeat {
  const { report, lockDuration, prefix, queueName } = settings;
  return new LockHeartbeat({
    redisUrl: settings.redisUrl,
    lockDurationMs: lockDuration,
    intervalMs: Math.max(50, Math.floor(lockDuration / 6)),
    lockPrefix: `${prefix}:${queueName}:`,
    stalledKey: `${prefix}:${queueName}:stalled`,
    connectTimeoutMs: settings.connectTimeoutMs,
    onLost: (jobId) => {
      const entry = running.get(jobId);
      if (!entry) return;
      // It runs on here: if it finishes first, its result is handed over (LateResults).
      report({ type: "lost", job: jobId, child: childLabel(entry.data.step, entry.data.ctx), container: entry.data.container });
    },
    onError: (message) => report({ type: "error", message }),
  });
}
