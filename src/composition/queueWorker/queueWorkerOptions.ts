import { DefaultLogger, type LoggerContext, type NodeLike } from "../../blok/index.js";
import { DEFAULT_PREFIX, DEFAULT_QUEUE_NAME } from "../../runtimes/queue/protocol.js";
import { checkRedisUrl, redactRedisUrl } from "../../runtimes/queue/redisUrl.js";
import type { RuntimePlugin } from "../createEnvironment.js";
import type { QueueWorkerEvent } from "./queueWorkerEvent.js";
import type { Tracing } from "../../telemetry/index.js";
import { defaultRuntimePlugins } from "../defaultRuntimePlugins.js";

/** Options of `startQueueWorker`. */
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
  /** Full gRPC service name of the Python runtime (`--python-service`; wins over `RUNTIME_PYTHON3_SERVICE`). */
  readonly pythonService?: string;
  /** Largest Python request and reply, bytes (`--python-max-message-mb`; wins over `RUNTIME_PYTHON3_MAX_MESSAGE_MB`). */
  readonly pythonMaxMessageBytes?: number;
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
  /** Traces each job in a span continuing its producer's trace (see `startTracing`). */
  readonly tracing?: Pick<Tracing, "continueTrace">;
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

/** The other defaults of {@link QueueWorkerOptions}. */
const DEFAULTS = { concurrency: 1, connectTimeoutMs: 5_000, shutdownGraceMs: 10_000 } as const;

/** {@link QueueWorkerOptions} with every default filled in. */
export interface QueueWorkerSettings {
  readonly redisUrl: string;
  /** The URL without its password, for messages. */
  readonly where: string;
  readonly queueName: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly nodesDir: string | undefined;
  readonly nodes: Record<string, NodeLike> | undefined;
  readonly plugins: readonly RuntimePlugin[];
  readonly env: NodeJS.ProcessEnv;
  readonly logger: LoggerContext;
  readonly report: (event: QueueWorkerEvent) => void;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
  readonly connectTimeoutMs: number;
  readonly shutdownGraceMs: number;
}

/**
 * Checks the Redis URL and fills in the defaults.
 * @throws {@link QueueConfigError} for a bad URL (named as the CLI's `--redis`).
 */
export function queueWorkerSettings(options: QueueWorkerOptions): QueueWorkerSettings {
  checkRedisUrl(options.redisUrl, "--redis");
  return {
    redisUrl: options.redisUrl,
    where: redactRedisUrl(options.redisUrl),
    queueName: options.queue ?? DEFAULT_QUEUE_NAME,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    nodesDir: options.nodesDir,
    nodes: options.nodes,
    plugins: options.plugins ?? defaultRuntimePlugins(options),
    env: options.env ?? process.env,
    logger: options.logger ?? new DefaultLogger({ write: (line) => process.stderr.write(`${line}\n`) }),
    report: options.onEvent ?? (() => undefined),
    lockDuration: options.lockDuration ?? RECOVERY_DEFAULTS.lockDuration,
    stalledInterval: options.stalledInterval ?? RECOVERY_DEFAULTS.stalledInterval,
    maxStalledCount: options.maxStalledCount ?? RECOVERY_DEFAULTS.maxStalledCount,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    shutdownGraceMs: options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs,
  };
}
