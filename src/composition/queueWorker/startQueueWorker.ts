import type * as BullMQ from "bullmq";
import type { Job } from "bullmq";
import { requirePeer } from "../../peers/index.js";
import type { Redis } from "ioredis";
import { type Context, createContext, DefaultLogger, type LoggerContext, type NodeBase, type NodeLike, runWithInputs } from "../../blok/index.js";
import { setChildHooks } from "../../ports/index.js";
import { createEnvironment, type RuntimePlugin } from "../createEnvironment.js";
import type { PythonPluginOptions, PythonRuntimePlugin } from "../pythonPlugin.js";
import type { WorkerPluginOptions } from "../workerPlugin.js";
import { resolveStep } from "../../runner/index.js";
import { connectRedis, within } from "../../runtimes/queue/connectRedis.js";
import { ResultTooLargeError } from "../../runtimes/queue/errors.js";
import { LateResults } from "../../runtimes/queue/lateResults.js";
import { LockHeartbeat } from "./lockHeartbeat.js";
import {
  type CancelMessage,
  cancelChannel,
  childLabel,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  INLINE_RESULT_BYTES,
  PROTOCOL_VERSION,
  type QueueJobData,
  type QueueJobResult,
  RESULT_TTL_SECONDS,
  readJobData,
  resultKey,
  sharedContextKey,
} from "../../runtimes/queue/protocol.js";
import { checkRedisUrl, redactRedisUrl } from "../../runtimes/queue/redisUrl.js";

// bullmq is an optional peer, loaded when this module is: only the queue worker imports it.
const { DelayedError, UnrecoverableError, WaitingError, Worker } = requirePeer<typeof BullMQ>("bullmq");
type Worker = BullMQ.Worker;

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** The Redis the producers use (`redis://` or `rediss://`). */
  readonly redisUrl: string;
  /** BullMQ queue to take jobs from (default `blok-parallel`, the container's default). */
  readonly queue?: string;
  /** Jobs this process runs at once (default 1). */
  readonly concurrency?: number;
  /** Directory of `local` nodes (default `NODES_PATH`). Jobs can only name nodes found here or in `nodes`. */
  readonly nodesDir?: string;
  /** Directory of Python nodes for the bundled runtime, started on first use (default `PYTHON_NODES_PATH`). */
  readonly pythonNodesDir?: string;
  /** Python interpreter with grpc (default `BLOK_PYTHON`, auto-detected). */
  readonly python?: string;
  /** Worker threads for `local` children with isolation `worker` (default one per core). */
  readonly threads?: number;
  /** Heap cap of each of those threads, in MB (default: see `workerPlugin`'s `heapMb`). */
  readonly workerHeapMb?: number;
  /** `module` nodes, by registry key (the container and `@blok-ts/if-else` are always there). */
  readonly nodes?: Record<string, NodeLike>;
  /** Runtimes to use instead of the default Python and worker-thread plugins (closed by `close()`). */
  readonly plugins?: readonly RuntimePlugin[];
  /** BullMQ key prefix (default `bull`); producers must use the same. */
  readonly prefix?: string;
  /** `ctx.env` of the nodes (default: this process's `process.env`; the producer's env never crosses the wire). */
  readonly env?: NodeJS.ProcessEnv;
  /** `ctx.logger` of the nodes (default: Blok's JSON lines on stderr). */
  readonly logger?: LoggerContext;
  /** Hears what the worker does (a CLI log). */
  readonly onEvent?: (event: QueueWorkerEvent) => void;
  /**
   * How long a job lock lasts without renewal: a worker process silent for longer (killed, out of
   * memory, cut off from Redis) is presumed dead and its jobs are run again elsewhere (default
   * {@link RECOVERY_DEFAULTS}`.lockDuration`, 3,000 ms). Renewals come from a thread of their own
   * (see `LockHeartbeat`), so a node blocking the event loop does not make its worker look dead.
   */
  readonly lockDuration?: number;
  /** How often this worker looks for jobs whose worker died, to put them back in the queue (default 1,000 ms). */
  readonly stalledInterval?: number;
  /**
   * How many times a job may be put back in the queue after its worker died before it fails
   * (default 3): a node that kills every worker it runs on must not take the fleet down one by one.
   */
  readonly maxStalledCount?: number;
  /** How long opening the Redis connection may take (default 5,000 ms). */
  readonly connectTimeoutMs?: number;
  /** Default of `close()`'s `graceMs`: how long running jobs may finish before they are returned to the queue (default 10,000 ms). */
  readonly shutdownGraceMs?: number;
}

/**
 * Recovery settings by default: a dead worker's jobs run again elsewhere within
 * `lockDuration + stalledInterval` (4 s), while its lock is renewed every `lockDuration / 6`
 * (see docs/queue-backend.md, "Dead workers", for the measured costs).
 */
export const RECOVERY_DEFAULTS = { lockDuration: 3_000, stalledInterval: 1_000, maxStalledCount: 3 } as const;

/** What a worker reports to `onEvent`. */
export type QueueWorkerEvent =
  | { readonly type: "ready"; readonly worker: string; readonly queue: string; readonly url: string; readonly concurrency: number }
  | { readonly type: "started" | "completed"; readonly job: string; readonly child: string; readonly container: string; readonly ms?: number }
  | { readonly type: "failed"; readonly job: string; readonly child: string; readonly container: string; readonly message: string; readonly ms?: number }
  | { readonly type: "cancelled" | "returned"; readonly job: string; readonly child: string; readonly container: string }
  | { readonly type: "refused"; readonly job: string; readonly message: string }
  | { readonly type: "stalled"; readonly job: string }
  /** This worker's lock on a running job was taken away (presumed dead, e.g. cut off from Redis): another worker runs it too. */
  | { readonly type: "lost"; readonly job: string; readonly child: string; readonly container: string }
  /** A job whose lock was taken away finished here: its result was handed to the producer as a late result (it keeps the first). */
  | { readonly type: "superseded"; readonly job: string; readonly child: string; readonly container: string }
  | { readonly type: "closing"; readonly running: number; readonly graceMs: number }
  | { readonly type: "error"; readonly message: string };

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

interface Running {
  readonly job: Job;
  readonly token: string;
  readonly data: QueueJobData;
  /** Set when shutdown gives the job back: the processor then moves it to wait instead of failing it. */
  returning: boolean;
}

/**
 * Shared context parts (see `SHARED_CONTEXT_BYTES`) by id, as JSON text: fetched once per worker,
 * kept while they fit in `maxBytes` (least recently used first out).
 */
class SharedContexts {
  private readonly texts = new Map<string, Promise<string>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  constructor(
    private readonly fetch: (id: string) => Promise<string | null>,
    private readonly maxBytes: number,
  ) {}
  get(id: string): Promise<string> {
    let text = this.texts.get(id);
    if (text) {
      this.texts.delete(id);
      this.texts.set(id, text);
      return text;
    }
    text = this.fetch(id).then((json) => {
      if (json === null) throw new Error(`The shared context ${id} of this job's run is gone from Redis (the run ended, or the key expired)`);
      this.sizes.set(id, json.length);
      this.bytes += json.length;
      for (const [old] of this.texts) {
        if (this.bytes <= this.maxBytes || old === id) break;
        this.forget(old);
      }
      return json;
    });
    text.catch(() => this.forget(id));
    this.texts.set(id, text);
    return text;
  }
  private forget(id: string): void {
    this.texts.delete(id);
    this.bytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
  }
}

/** Cancel requests for jobs this worker does not run (yet): a job fetched just before its cancel arrived, or recovered from a dead worker. */
class RecentCancels {
  private readonly ids = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}
  add(id: string): void {
    this.ids.set(id, Date.now() + this.ttlMs);
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value as string);
  }
  take(id: string): boolean {
    const expires = this.ids.get(id);
    if (expires === undefined) return false;
    this.ids.delete(id);
    return expires > Date.now();
  }
}

const ALLOWED_PLAIN = (value: unknown) => value;
/** How long a Python job handed back by a worker whose runtime is down waits before it is taken again. */
const PYTHON_UNAVAILABLE_DELAY_MS = 1_000;

/**
 * Starts a queue worker: takes child jobs from BullMQ queue `queue` and runs each node on its
 * pre-mapped inputs (never mapping them again) with the same runtimes as the local backend:
 * `module` nodes from its registry, `local` nodes from ITS OWN `nodesDir` (inline or in worker
 * threads), `runtime.python3` nodes from ITS OWN Python runtime. The payload names a node; it
 * never carries code or paths (see {@link readJobData}).
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
  checkRedisUrl(options.redisUrl, "--redis");
  const queueName = options.queue ?? DEFAULT_QUEUE_NAME;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const concurrency = options.concurrency ?? 1;
  const report = options.onEvent ?? (() => undefined);
  const where = redactRedisUrl(options.redisUrl);
  const nodeEnv = options.env ?? process.env;
  const logger = options.logger ?? new DefaultLogger({ write: (line) => process.stderr.write(`${line}\n`) });

  const plugins = options.plugins ?? [
    lazyPythonPlugin({ ...(options.pythonNodesDir ? { nodesDir: options.pythonNodesDir } : {}), ...(options.python ? { python: options.python } : {}) }),
    lazyWorkerPlugin({
      ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.workerHeapMb ? { heapMb: options.workerHeapMb } : {}),
    }),
  ];
  const environment = createEnvironment({ ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}), ...(options.nodes ? { nodes: options.nodes } : {}), plugins });
  const resolveWorker = plugins.find((plugin) => plugin.resolveWorker)?.resolveWorker;
  const pythonAvailable = () => plugins.every((plugin) => (plugin as Partial<PythonRuntimePlugin>).pythonAvailable?.() ?? true);
  const resolve = async (step: QueueJobData["step"]): Promise<NodeBase> => {
    const descriptor = { name: step.name, node: step.node, type: step.type };
    if (step.type !== "local" || step.isolation !== "worker") return environment.resolveStep(descriptor);
    if (!resolveWorker) throw new Error(`Child '${step.name}' asks for worker isolation, but this worker has no worker-thread runtime`);
    return resolveStep(descriptor, { registry: environment.registry, resolvers: { local: resolveWorker } });
  };

  let connection: Redis | undefined;
  let subscriber: Redis | undefined;
  try {
    connection = await connectRedis(options.redisUrl, options.connectTimeoutMs ?? 5_000);
    connection.on("error", (error: Error) => report({ type: "error", message: `redis: ${error.message}` }));
    subscriber = connection.duplicate();
  } catch (error) {
    await environment.close();
    throw error;
  }
  const commands = connection;
  const lockDuration = options.lockDuration ?? RECOVERY_DEFAULTS.lockDuration;
  const running = new Map<string, Running>();
  const heartbeat = new LockHeartbeat({
    redisUrl: options.redisUrl,
    lockDurationMs: lockDuration,
    intervalMs: Math.max(50, Math.floor(lockDuration / 6)),
    lockPrefix: `${prefix}:${queueName}:`,
    stalledKey: `${prefix}:${queueName}:stalled`,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    onLost: (jobId) => {
      const entry = running.get(jobId);
      if (!entry) return;
      // It runs on here: if it finishes first, its result is handed over (LateResults).
      report({ type: "lost", job: jobId, child: childLabel(entry.data.step, entry.data.ctx), container: entry.data.container });
    },
    onError: (message) => report({ type: "error", message }),
  });
  const late = new LateResults(commands, prefix, queueName, (job, child, container) => report({ type: "superseded", job, child, container }));
  const recentCancels = new RecentCancels(10 * 60_000, 100_000);
  const sharedContexts = new SharedContexts((id) => commands.get(sharedContextKey(prefix, queueName, id)), 256 * 1024 * 1024);
  let worker!: Worker;

  const processor = async (job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<QueueJobResult> => {
    const started = performance.now();
    let data: QueueJobData;
    try {
      data = readJobData(job.data);
    } catch (error) {
      report({ type: "refused", job: String(job.id), message: (error as Error).message });
      throw new UnrecoverableError((error as Error).message);
    }
    const child = childLabel(data.step, data.ctx);
    const base = { job: String(job.id), child, container: data.container };
    if (recentCancels.take(String(job.id))) {
      report({ type: "cancelled", ...base });
      throw new UnrecoverableError(`cancelled by the container before it started (child '${child}')`);
    }
    if (data.step.type === "runtime.python3" && !pythonAvailable()) {
      // This worker's Python runtime is restarting or down: hand the job back, delayed, for a
      // worker whose runtime serves, instead of failing it here.
      await job.moveToDelayed(Date.now() + PYTHON_UNAVAILABLE_DELAY_MS, token);
      report({ type: "returned", ...base });
      throw new DelayedError();
    }
    const entry: Running = { job, token: token ?? "", data, returning: false };
    running.set(String(job.id), entry);
    heartbeat.track(String(job.id), entry.token);
    report({ type: "started", ...base });
    const nodeSignal = signal ?? new AbortController().signal;
    try {
      const node = await resolve(data.step);
      const resolved = performance.now();
      // Cancelled while the node was being resolved: do not start it.
      nodeSignal.throwIfAborted();
      const timing: Record<string, number> = {};
      const ctx = remoteNodeContext(data, nodeSignal, nodeEnv, logger);
      // Large shared parts: fetched (once per worker), parsed only if the node reads them, and
      // parsed afresh for every job, so no job sees another's writes.
      if (data.shared?.vars) lazyJson(ctx, "vars", await sharedContexts.get(data.shared.vars));
      if (data.shared?.response_data) lazyJson(ctx.response, "data", await sharedContexts.get(data.shared.response_data));
      setChildHooks(ctx, { reportTiming: (reported) => Object.assign(timing, reported), toPlain: ALLOWED_PLAIN as <T>(value: T) => T });
      const output = await untilAborted(runWithInputs(node, ctx, data.inputs), nodeSignal);
      const json = output === undefined ? undefined : toJson(output, child);
      const bytes = json === undefined ? 0 : Buffer.byteLength(json);
      if (bytes > data.max_result_bytes) throw new ResultTooLargeError(child, data.container, bytes, data.max_result_bytes);
      const work_ms = performance.now() - started;
      const envelope: QueueJobResult = { v: PROTOCOL_VERSION, bytes, work_ms, timing: { ...timing, resolve_ms: resolved - started } };
      report({ type: "completed", ...base, ms: work_ms });
      // Kept until BullMQ accepts the completion: refused (the lock was taken away), it becomes a late result.
      late.finishing(String(job.id), { child, container: data.container, envelope, data: output, ...(json === undefined ? {} : { json }) });
      if (json === undefined) return envelope;
      if (bytes <= INLINE_RESULT_BYTES) return { ...envelope, data: output };
      await commands.set(resultKey(prefix, queueName, String(job.id)), json, "EX", RESULT_TTL_SECONDS);
      return { ...envelope, stored: true };
    } catch (error) {
      if (entry.returning) {
        // Shutdown: give the job back to the queue for another worker instead of failing it.
        await job.moveToWait(entry.token);
        report({ type: "returned", ...base });
        throw new WaitingError();
      }
      if (nodeSignal.aborted) {
        report({ type: "cancelled", ...base });
        throw new UnrecoverableError(`cancelled: ${reasonText(nodeSignal.reason)}`);
      }
      const message = error instanceof Error ? error.message : reasonText(error);
      report({ type: "failed", ...base, message, ms: performance.now() - started });
      throw error instanceof Error ? error : new Error(message);
    } finally {
      running.delete(String(job.id));
      heartbeat.untrack(String(job.id));
    }
  };

  try {
    worker = new Worker(queueName, processor, {
      connection: commands,
      prefix,
      concurrency,
      autorun: false,
      lockDuration,
      // The heartbeat thread renews the locks; BullMQ's own renewal (on the event loop, which a
      // synchronous node blocks) is switched off.
      skipLockRenewal: true,
      stalledInterval: options.stalledInterval ?? RECOVERY_DEFAULTS.stalledInterval,
      maxStalledCount: options.maxStalledCount ?? RECOVERY_DEFAULTS.maxStalledCount,
    });
    worker.on("completed", (job) => late.accepted(String(job.id)));
    worker.on("error", (error) => {
      if (!late.refused(error)) report({ type: "error", message: error.message });
    });
    worker.on("stalled", (jobId) => report({ type: "stalled", job: jobId }));
    subscriber.on("error", (error) => report({ type: "error", message: `cancel channel: ${error.message}` }));
    subscriber.on("message", (_channel, text) => {
      let message: CancelMessage;
      try {
        message = JSON.parse(text) as CancelMessage;
      } catch {
        return;
      }
      if (typeof message?.jobId !== "string") return;
      if (!worker.cancelJob(message.jobId, message.reason)) recentCancels.add(message.jobId);
    });
    await subscriber.subscribe(cancelChannel(prefix, queueName));
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
  report({ type: "ready", worker: worker.id, queue: queueName, url: where, concurrency });

  let closing: Promise<void> | undefined;
  let cutShort: (() => void) | undefined;
  const shutdown = async (graceMs: number) => {
    report({ type: "closing", running: running.size, graceMs });
    const finished = worker.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        cutShort = resolve;
      }),
    ]);
    clearTimeout(timer);
    for (const entry of running.values()) {
      entry.returning = true;
      worker.cancelJob(String(entry.job.id), "worker shutting down");
    }
    await within(finished, 10_000);
    await within(loop, 1_000);
    await heartbeat.close();
    await subscriber.quit().catch(() => undefined);
    subscriber.disconnect();
    await commands.quit().catch(() => undefined);
    commands.disconnect();
    await environment.close();
  };
  return {
    get id() {
      return worker.id;
    },
    get running() {
      return running.size;
    },
    close: ({ graceMs } = {}) => {
      if (closing) {
        if (graceMs === 0) cutShort?.();
        return closing;
      }
      return (closing = shutdown(graceMs ?? options.shutdownGraceMs ?? 10_000));
    },
  };
}

/**
 * `pythonPlugin` (src/environment), its module loaded on the first Python job: a worker that
 * never runs Python never loads grpc, and starts faster.
 */
function lazyPythonPlugin(options: PythonPluginOptions): PythonRuntimePlugin {
  let plugin: Promise<PythonRuntimePlugin> | undefined;
  let loaded: PythonRuntimePlugin | undefined;
  const load = () => (plugin ??= import("../pythonPlugin.js").then((module) => (loaded = module.pythonPlugin(options))));
  return {
    resolvers: { "runtime.python3": async (step) => (await load()).resolvers!["runtime.python3"]!(step) },
    pythonAvailable: () => loaded?.pythonAvailable() ?? true,
    close: async () => (await plugin)?.close(),
  };
}

/** `workerPlugin` (src/environment), its module (and piscina) loaded on the first worker-isolated job. */
function lazyWorkerPlugin(options: WorkerPluginOptions): RuntimePlugin {
  let plugin: Promise<RuntimePlugin> | undefined;
  const load = () => (plugin ??= import("../workerPlugin.js").then((module) => module.workerPlugin(options)));
  return {
    resolveWorker: async (step) => (await load()).resolveWorker!(step),
    close: async () => (await plugin)?.close(),
  };
}

/** The node's context, rebuilt from the plain-JSON part the producer sent; `env` is this process's. */
function remoteNodeContext(data: QueueJobData, signal: AbortSignal, env: NodeJS.ProcessEnv, logger: LoggerContext): Context {
  const remote = data.ctx;
  const request = remote.request as Record<string, unknown>;
  const ctx = createContext({
    config: {},
    id: remote.id,
    env,
    logger,
    signal,
    ...(remote.workflow_name !== undefined ? { workflowName: remote.workflow_name } : {}),
    ...(remote.workflow_path !== undefined ? { workflowPath: remote.workflow_path } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.headers !== undefined ? { headers: request.headers as Record<string, unknown> } : {}),
    ...(request.query !== undefined ? { query: request.query as Record<string, unknown> } : {}),
    ...(request.params !== undefined ? { params: request.params as Record<string, unknown> } : {}),
    ...(typeof request.method === "string" ? { method: request.method } : {}),
  });
  for (const field of ["url", "path", "baseUrl"] as const) if (request[field] !== undefined) ctx.request[field] = request[field];
  ctx.response.data = remote.response.data;
  if (remote.response.contentType !== undefined) ctx.response.contentType = remote.response.contentType;
  if (remote.vars !== undefined) ctx.vars = remote.vars as Record<string, unknown>;
  if ("item" in remote) ctx.item = remote.item;
  if (remote.index !== undefined) ctx.index = remote.index;
  return ctx;
}

/** Defines `target[key]` as the value of `json`, parsed on first read (a write replaces it). */
function lazyJson(target: object, key: string, json: string): void {
  let parsed = false;
  let value: unknown;
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      if (!parsed) {
        value = JSON.parse(json);
        parsed = true;
      }
      return value;
    },
    set(next: unknown) {
      value = next;
      parsed = true;
    },
  });
}

/** `work`, or a rejection as soon as `signal` aborts (a node that ignores its signal must not hold the job). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function toJson(value: unknown, child: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`The result of child '${child}' cannot cross the wire as JSON: ${(error as Error).message}`);
  }
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : String(reason);
}
