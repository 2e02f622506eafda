import { createHash, randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import type * as BullMQ from "bullmq";
import type { Redis } from "ioredis";
import type { QueueConnector, QueueSettings, RemoteChildJob, RemoteOutcome, RemoteSession } from "../../ports/index.js";
import { requirePeer } from "../../peers/index.js";
import { connectRedis, within } from "./connectRedis.js";
import { ChildTimeoutError } from "../../core/index.js";
import { QueueConnectionError, QueueJobLostError, QueueWaitTimeoutError, RemoteChildError, ResultTooLargeError } from "./errors.js";
import {
  type CancelMessage,
  cancelChannel,
  childLabel,
  DEFAULT_PREFIX,
  LATE_RESULT_EVENT,
  type QueueJobData,
  readJobResult,
  resultKey,
  SHARED_CONTEXT_BYTES,
  SHARED_CONTEXT_TTL_SECONDS,
  sharedContextKey,
  toJobData,
} from "./protocol.js";
import { redactRedisUrl, resolveRedisUrl } from "./redisUrl.js";

// bullmq is an optional peer, loaded when this module is: only the queue backend imports it.
const { Queue, QueueEvents } = requirePeer<typeof BullMQ>("bullmq");
type Queue = BullMQ.Queue;
type QueueEvents = BullMQ.QueueEvents;

/** Options of {@link createQueueConnector}. */
export interface QueueConnectorOptions {
  /** Redis URL used when the container config gives no `execution.queue.redis_url`; else env `BLOK_REDIS_URL`. */
  readonly redisUrl?: string;
  /** Where `BLOK_REDIS_URL` is read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** BullMQ key prefix (default `bull`); workers must use the same. */
  readonly prefix?: string;
  /** How long opening a session may take to reach Redis (default 5,000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * How long a session tolerates Redis being unreachable mid-run (ioredis keeps reconnecting)
   * before it fails every waiting child with a {@link QueueConnectionError} (default 30,000 ms).
   * A child's own `timeout` stops it earlier when it is shorter.
   */
  readonly connectionLossTimeoutMs?: number;
  /** How long `close()` waits for cancelled jobs that are still running on a worker to leave Redis (default 5,000 ms). */
  readonly closeTimeoutMs?: number;
}

const DEFAULTS = { connectTimeoutMs: 5_000, connectionLossTimeoutMs: 30_000, closeTimeoutMs: 5_000 };
/** After a reconnect, how long a job that is gone from Redis gets for its final event to arrive before it counts as lost. */
const LOST_GRACE_MS = 1_500;

/**
 * The queue backend's producer side: returns the `connectQueue` a container needs. Every
 * container run opens one session (two Redis connections: commands, and BullMQ's QueueEvents
 * stream reader), adds one BullMQ job per child attempt, and closes it all at the end.
 *
 * Redis URL: the container's `execution.queue.redis_url`, else `options.redisUrl`, else env
 * `BLOK_REDIS_URL`, else a {@link QueueConfigError}.
 *
 * @example
 * ```ts
 * import { createChildResolver, createParallelExecutionNode, createRegistry } from "@blok-ts/parallel-execution";
 * import { createQueueConnector } from "@blok-ts/parallel-execution/queue";
 *
 * const registry = createRegistry();
 * const { resolveChild } = createChildResolver({ registry });
 * const ParallelExecution = createParallelExecutionNode({ resolveChild, connectQueue: createQueueConnector() });
 * registry.addNode("parallel-execution", new ParallelExecution());
 * ```
 */
export function createQueueConnector(options: QueueConnectorOptions = {}): QueueConnector {
  return (settings) => openQueueSession(settings, options);
}

interface Pending {
  readonly id: string;
  readonly label: string;
  readonly index: number;
  readonly container: string;
  readonly hooks: RemoteChildJob["hooks"];
  readonly addedAt: number;
  activeAt?: number;
  /** Starts by workers: 1 normally, more when the job was recovered from a dead worker. */
  deliveries: number;
  /** The per-attempt `timeout` (running) or the `queue_timeout` (waiting), whichever applies now. */
  timer?: NodeJS.Timeout;
  /** The child settled with a result of this job (a later one is a duplicate). */
  resolved?: boolean;
  /** Results that came after the first (the job ran twice). */
  duplicates?: number;
  /** Settles once the job is in Redis; `false` when adding it failed. */
  added: Promise<boolean>;
  settled: boolean;
  resolve(outcome: RemoteOutcome): void;
  reject(error: unknown): void;
}

/**
 * One container run's connection to the queue (see {@link createQueueConnector}).
 *
 * Job ids are `blok-<12 hex run id>-<n>`; every job is added with `removeOnComplete` and
 * `removeOnFail`, so a finished job deletes itself, and the session removes (or cancels, then
 * waits for) every job it gave up on. What stays in Redis after `close()`: only the queue's own
 * keys (`meta`, `id`, `events`, `stalled-check`), which belong to the queue, not to a run.
 */
async function openQueueSession(settings: QueueSettings, options: QueueConnectorOptions): Promise<RemoteSession> {
  const url = resolveRedisUrl(settings.redis_url, options.redisUrl, options.env ?? process.env);
  const { connectTimeoutMs, connectionLossTimeoutMs, closeTimeoutMs } = { ...DEFAULTS, ...definedOnly(options) };
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const name = settings.name;
  const where = redactRedisUrl(url);

  const client = await connectRedis(url, connectTimeoutMs);
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  try {
    // Read events from the stream's current end: QueueEvents' default ('$') only starts at its
    // first XREAD, and a fast job could finish before that.
    const last = (await client.xrevrange(`${prefix}:${name}:events`, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";
    queue = new Queue(name, { connection: client, prefix, skipMetasUpdate: true });
    events = new QueueEvents(name, { connection: client, prefix, autorun: false, lastEventId: last });
    const eventsClient = (await within(events.client, connectTimeoutMs)) as Redis | undefined;
    if (!eventsClient) throw new QueueConnectionError(`Cannot open the QueueEvents connection to Redis at ${where} within ${connectTimeoutMs} ms`);
    return new QueueSession({ url: where, name, prefix, settings, client, eventsClient, queue, events, connectionLossTimeoutMs, closeTimeoutMs });
  } catch (error) {
    await events?.close().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    client.disconnect();
    throw error;
  }
}

const ignore = () => undefined;

function isStored(returnvalue: unknown): boolean {
  return typeof returnvalue === "object" && returnvalue !== null && (returnvalue as { stored?: unknown }).stored === true;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface SessionParts {
  readonly url: string;
  readonly name: string;
  readonly prefix: string;
  readonly settings: QueueSettings;
  readonly client: Redis;
  readonly eventsClient: Redis;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly connectionLossTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

class QueueSession implements RemoteSession {
  private readonly idPrefix = `blok-${randomBytes(6).toString("hex")}-`;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  /** Jobs this session gave up on (cancelled): the clean-up task of each. */
  private readonly abandoned = new Map<string, Promise<void>>();
  /** Wakes the clean-up of an abandoned job when its final event arrives (aborts its wait). */
  private readonly finishedWaiters = new Map<string, () => void>();
  private readonly running: Promise<void>;
  private closing: Promise<void> | undefined;
  private downSince: number | undefined;
  private lossTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;
  private readonly detach: Array<() => void> = [];
  /** Shared context id (or none: small enough to travel inline) of every context object seen, by identity. */
  private readonly sharedByObject = new WeakMap<object, Promise<string | undefined>>();
  /** Shared context parts stored by this run: id → when it was stored or last refreshed. */
  private readonly sharedStored = new Map<string, number>();

  constructor(private readonly parts: SessionParts) {
    const { events, queue, client, eventsClient } = parts;
    this.on(events, "active", ({ jobId }: { jobId: string }) => this.onActive(jobId));
    this.on(events, "completed", ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => this.onCompleted(jobId, returnvalue));
    this.on(events, "failed", ({ jobId, failedReason }: { jobId: string; failedReason: string }) => this.onFailed(jobId, failedReason));
    this.on(events, "stalled", ({ jobId }: { jobId: string }) => this.onStalled(jobId));
    this.on(events, LATE_RESULT_EVENT, ({ jobId, returnvalue }: { jobId: string; returnvalue: string }) => this.onLateResult(jobId, returnvalue));
    // BullMQ re-emits connection errors here; without a listener an 'error' event would throw.
    this.on(events, "error", (error: Error) => (this.lastError = error));
    this.on(queue, "error", (error: Error) => (this.lastError = error));
    for (const connection of [client, eventsClient]) {
      // Kept after close: a socket error while the connection shuts down must not go unhandled.
      connection.on("error", ignore);
      this.on(connection, "error", (error: Error) => (this.lastError = error));
      this.on(connection, "close", () => this.onDown());
      this.on(connection, "ready", () => this.onReady());
    }
    this.running = events.run().catch((error: Error) => {
      this.lastError = error;
    });
  }

  /** Adds a listener that `close()` removes. */
  private on<A extends unknown[]>(emitter: object, event: string, listener: (...args: A) => void): void {
    const target = emitter as EventEmitter;
    target.on(event, listener as (...args: unknown[]) => void);
    this.detach.push(() => target.off(event, listener as (...args: unknown[]) => void));
  }

  readonly execute = (job: RemoteChildJob, signal: AbortSignal): Promise<RemoteOutcome> => {
    if (this.closing) return Promise.reject(new Error("The queue session is closed"));
    if (signal.aborted) return Promise.reject(signal.reason);
    const id = `${this.idPrefix}${++this.seq}`;
    const label = childLabel(job.step, job.ctx);
    return new Promise<RemoteOutcome>((resolve, reject) => {
      const onAbort = () => {
        if (entry.settled) return;
        this.settle(entry);
        reject(signal.reason);
        this.abandon(entry);
      };
      const entry: Pending = {
        id,
        label,
        index: job.index ?? job.ctx.index ?? 0,
        container: job.container,
        hooks: job.hooks,
        deliveries: 0,
        addedAt: performance.now(),
        added: Promise.resolve(false),
        settled: false,
        resolve: (outcome) => {
          signal.removeEventListener("abort", onAbort);
          resolve(outcome);
        },
        reject: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.pending.set(id, entry);
      signal.addEventListener("abort", onAbort, { once: true });
      entry.added = this.jobData(job)
        .then((data) => this.parts.queue.add(job.step.name, data, {
          jobId: id,
          // Attempts are the container's (each is a new job, see docs/queue-backend.md): BullMQ never retries.
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: true,
          stackTraceLimit: 0,
        }))
        .then(
          () => {
            if (!entry.settled && entry.deliveries === 0) this.waitForWorker(entry);
            return true;
          },
          (error: Error) => {
            this.fail(entry, new QueueConnectionError(`Could not enqueue child '${label}' on queue '${this.parts.name}' at ${this.parts.url}: ${error.message}`, { cause: error }));
            return false;
          },
        );
    });
  };

  /** The job's data, with large shared context parts stored once per run instead of in every job. */
  private async jobData(job: RemoteChildJob): Promise<QueueJobData> {
    const [vars, responseData] = await Promise.all([this.sharedId(job.ctx.vars), this.sharedId(job.ctx.response.data)]);
    return toJobData(job, this.parts.settings.max_result_bytes, { ...(vars ? { vars } : {}), ...(responseData ? { response_data: responseData } : {}) });
  }

  /**
   * The shared id of a context part, storing it on first use; undefined when it is small (or not
   * an object). Every child of a run usually hands over the very same objects (the parent's, as
   * no child wrote to them), so each is serialized once per run; equal content under another
   * identity is stored once too (the id is its hash).
   */
  private async sharedId(value: unknown): Promise<string | undefined> {
    if (typeof value !== "object" || value === null) return undefined;
    let known = this.sharedByObject.get(value);
    if (!known) {
      known = (async () => {
        const json = JSON.stringify(value);
        if (Buffer.byteLength(json) <= SHARED_CONTEXT_BYTES) return undefined;
        const id = `${this.idPrefix}ctx-${createHash("sha1").update(json).digest("hex")}`;
        if (!this.sharedStored.has(id)) {
          this.sharedStored.set(id, Date.now());
          await this.parts.client.set(sharedContextKey(this.parts.prefix, this.parts.name, id), json, "EX", SHARED_CONTEXT_TTL_SECONDS);
        }
        return id;
      })();
      this.sharedByObject.set(value, known);
    }
    const id = await known;
    const stored = id === undefined ? undefined : this.sharedStored.get(id);
    if (id !== undefined && stored !== undefined && Date.now() - stored > (SHARED_CONTEXT_TTL_SECONDS * 1000) / 2) {
      // A long run: keep its shared context alive as long as it adds jobs.
      this.sharedStored.set(id, Date.now());
      await this.parts.client.expire(sharedContextKey(this.parts.prefix, this.parts.name, id), SHARED_CONTEXT_TTL_SECONDS);
    }
    return id;
  }

  /** Marks `entry` settled and forgets it. @returns whether it was still pending. */
  private settle(entry: Pending): boolean {
    if (entry.settled) return false;
    entry.settled = true;
    clearTimeout(entry.timer);
    this.pending.delete(entry.id);
    return true;
  }

  /** The job waits for a worker (first queued, or put back after its worker died): bounded by `queue_timeout`. */
  private waitForWorker(entry: Pending): void {
    clearTimeout(entry.timer);
    const limit = this.parts.settings.queue_timeout;
    if (limit === undefined) return;
    entry.timer = setTimeout(() => {
      this.fail(entry, new QueueWaitTimeoutError(entry.label, entry.container, this.parts.name, limit, entry.deliveries > 0));
      this.abandon(entry);
    }, limit);
  }

  /** A worker started the job: the attempt's `timeout` runs from now, as for a local child. */
  private startAttemptTimer(entry: Pending): void {
    clearTimeout(entry.timer);
    const limit = this.parts.settings.timeout;
    if (limit === undefined) return;
    entry.timer = setTimeout(() => {
      this.fail(entry, new ChildTimeoutError(entry.label, entry.index, limit));
      this.abandon(entry);
    }, limit);
  }

  /** Jobs of this session that were recovered from a dead worker: a second result may come for them. */
  private readonly recovered = new Map<string, Pending>();

  private onStalled(jobId: string): void {
    const entry = this.pending.get(jobId);
    if (!entry) return;
    // Back in the queue: the same attempt, waiting for another worker.
    this.recovered.set(jobId, entry);
    this.waitForWorker(entry);
  }

  /**
   * A result of a job whose child already has one (the job ran twice: its first worker was
   * presumed dead but finished after all): dropped, and counted.
   */
  private duplicate(entry: Pending): void {
    entry.duplicates = (entry.duplicates ?? 0) + 1;
    entry.hooks?.reportTiming({ duplicates: entry.duplicates });
    entry.hooks?.late("value");
  }

  /** A worker presumed dead finished the job after all (see `LateResults`): the first result wins. */
  private onLateResult(jobId: string, returnvalue: string): void {
    if (!jobId.startsWith(this.idPrefix)) return;
    const entry = this.pending.get(jobId);
    if (!entry) {
      const earlier = this.recovered.get(jobId);
      if (earlier?.resolved) this.duplicate(earlier);
      return;
    }
    this.settle(entry);
    entry.resolved = true;
    let value: unknown;
    try {
      value = JSON.parse(returnvalue);
    } catch {
      value = undefined;
    }
    this.readOutcome(entry, value).then(entry.resolve, entry.reject);
    // The job itself is waiting or running again elsewhere: that second run is not wanted.
    this.abandon(entry, true);
  }

  private fail(entry: Pending, error: unknown): void {
    if (this.settle(entry)) entry.reject(error);
  }

  private onActive(jobId: string): void {
    const entry = this.pending.get(jobId);
    if (!entry) return;
    entry.activeAt ??= performance.now();
    entry.deliveries++;
    // A job of a dead worker, started again elsewhere: the same attempt, its timer restarted.
    if (entry.deliveries > 1) entry.hooks?.reportTiming({ redelivered: entry.deliveries - 1 });
    this.startAttemptTimer(entry);
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    if (!jobId.startsWith(this.idPrefix)) return;
    this.finishedWaiters.get(jobId)?.();
    const entry = this.pending.get(jobId);
    if (!entry) {
      const earlier = this.recovered.get(jobId);
      if (earlier?.resolved) {
        this.duplicate(earlier);
        // A large result of the second run: nobody takes it.
        if (isStored(returnvalue)) void this.parts.client.del(resultKey(this.parts.prefix, this.parts.name, jobId)).catch(ignore);
      }
      return;
    }
    this.settle(entry);
    entry.resolved = true;
    this.readOutcome(entry, returnvalue).then(entry.resolve, entry.reject);
  }

  private onFailed(jobId: string, failedReason: string): void {
    if (!jobId.startsWith(this.idPrefix)) return;
    this.finishedWaiters.get(jobId)?.();
    const entry = this.pending.get(jobId);
    if (entry) this.fail(entry, new RemoteChildError(failedReason, entry.label, jobId));
  }

  private async readOutcome(entry: Pending, returnvalue: unknown): Promise<RemoteOutcome> {
    const result = readJobResult(returnvalue);
    const limit = this.parts.settings.max_result_bytes;
    // Take a side-key result first, whatever happens next: it must not outlive the run.
    const json = result.stored ? await this.parts.client.getdel(resultKey(this.parts.prefix, this.parts.name, entry.id)) : undefined;
    if (result.bytes > limit) throw new ResultTooLargeError(entry.label, entry.container, result.bytes, limit);
    let data = result.data;
    if (json !== undefined) {
      if (json === null) throw new QueueJobLostError(`The result of child '${entry.label}' (job ${entry.id}) is missing from Redis (expired, or removed by someone else)`);
      const bytes = Buffer.byteLength(json);
      if (bytes > limit) throw new ResultTooLargeError(entry.label, entry.container, bytes, limit);
      data = JSON.parse(json);
    }
    const done = performance.now();
    const timing: Record<string, number> = { ...result.timing, work_ms: result.work_ms, total_ms: done - entry.addedAt };
    if (entry.activeAt !== undefined) timing.queue_ms = entry.activeAt - entry.addedAt;
    return { data, timing };
  }

  /**
   * Clean-up of a job the container gave up on (timeout, fail-fast, cancellation): remove it
   * while it waits; once a worker holds it, publish a cancel request (the worker aborts the
   * node and fails the job, which deletes itself) and retry the removal until it is gone.
   */
  private abandon(entry: Pending, resolved = false): void {
    const task = (async () => {
      if (!(await entry.added)) return;
      const { queue, client, prefix, name } = this.parts;
      let published = false;
      const reason = resolved ? "it already has a result (its first worker, presumed dead, finished it)" : `cancelled by parallel-execution step '${entry.container}'`;
      const deadline = () => this.closing !== undefined && performance.now() > this.closeDeadline;
      for (;;) {
        // 1: removed, or already gone; 0: locked by a worker (active).
        if ((await queue.remove(entry.id)) === 1) break;
        if (!published) {
          const message: CancelMessage = { jobId: entry.id, reason: `${reason} (child '${entry.label}')` };
          await client.publish(cancelChannel(prefix, name), JSON.stringify(message));
          published = true;
        }
        if (deadline()) break;
        // Retry in 250 ms, or as soon as the job's final event arrives.
        const finished = new AbortController();
        this.finishedWaiters.set(entry.id, () => finished.abort());
        await delay(250, undefined, { signal: finished.signal }).catch(ignore);
        this.finishedWaiters.delete(entry.id);
      }
      // A result may have been stored between the cancel and the job's end.
      await client.del(resultKey(prefix, name, entry.id));
    })().catch((error: Error) => {
      this.lastError = error;
    });
    this.abandoned.set(entry.id, task);
    void task.finally(() => this.abandoned.delete(entry.id));
  }

  private closeDeadline = Number.POSITIVE_INFINITY;

  private isUp(): boolean {
    return this.parts.client.status === "ready" && this.parts.eventsClient.status === "ready";
  }

  private onDown(): void {
    if (this.closing || this.downSince !== undefined) return;
    this.downSince = performance.now();
    this.lossTimer = setTimeout(() => {
      const seconds = ((performance.now() - (this.downSince ?? 0)) / 1000).toFixed(1);
      for (const entry of [...this.pending.values()]) {
        this.fail(
          entry,
          new QueueConnectionError(
            `Lost the connection to Redis at ${this.parts.url} for ${seconds} s while child '${entry.label}' was queued or running${this.lastError ? ` (${this.lastError.message})` : ""}`,
            { cause: this.lastError },
          ),
        );
      }
    }, this.parts.connectionLossTimeoutMs);
  }

  private onReady(): void {
    if (this.downSince === undefined || !this.isUp()) return;
    this.downSince = undefined;
    clearTimeout(this.lossTimer);
    void this.reconcile();
  }

  /**
   * After a reconnect: a job that is neither in Redis nor finished within {@link LOST_GRACE_MS}
   * (its final event, if any, is read from the stream by then) was lost, e.g. Redis restarted
   * without persistence. Fail it now rather than at its timeout.
   */
  private async reconcile(): Promise<void> {
    const suspects: Pending[] = [];
    for (const entry of [...this.pending.values()]) {
      if (!(await entry.added)) continue;
      const state = await this.parts.queue.getJobState(entry.id).catch(() => "error");
      if (state === "unknown") suspects.push(entry);
    }
    if (suspects.length === 0) return;
    await delay(LOST_GRACE_MS, undefined, { ref: false });
    for (const entry of suspects) {
      this.fail(entry, new QueueJobLostError(`The job of child '${entry.label}' (${entry.id}) disappeared from Redis at ${this.parts.url} (restarted without persistence, or flushed?)`));
    }
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.closeDeadline = performance.now() + this.parts.closeTimeoutMs;
    for (const entry of [...this.pending.values()]) {
      // The container settles or aborts every child before it closes; this is a safety net.
      this.fail(entry, new Error("The queue session was closed"));
      this.abandon(entry);
    }
    await within(Promise.allSettled([...this.abandoned.values()]), this.parts.closeTimeoutMs + 500);
    clearTimeout(this.lossTimer);
    if (this.sharedStored.size > 0) {
      const keys = [...this.sharedStored.keys()].map((id) => sharedContextKey(this.parts.prefix, this.parts.name, id));
      await within(this.parts.client.del(...keys).catch(() => undefined), 2_000);
    }
    for (const detach of this.detach.splice(0)) detach();
    this.recovered.clear();
    const { events, queue, client } = this.parts;
    // QueueEvents.close disconnects its own (duplicated) connection; the command connection is ours.
    await within(events.close().catch(() => undefined), 2_000);
    await within(queue.close().catch(() => undefined), 2_000);
    await within(this.running, 2_000);
    if (client.status === "ready") await within(client.quit().catch(() => undefined), 1_000);
    client.disconnect();
  }
}
