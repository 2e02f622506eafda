import { DefaultLogger } from "../blok/index.js";
import type { QueueWorker, QueueWorkerEvent } from "../composition/queueWorker/index.js";
import { QUEUE_NAME_PATTERN, QUEUE_NAME_RULE, REDIS_URL_PATTERN, REDIS_URL_RULE } from "../ports/index.js";
import { DEFAULT_QUEUE_NAME } from "../runtimes/queue/protocol.js";
import { redactRedisUrl } from "../runtimes/queue/redisUrl.js";
import { errorParagraph } from "./formatError.js";
import { onShutdownSignals } from "./shutdownSignals.js";
import { startTracing, type Tracing } from "../telemetry/index.js";
import { MIN_WORKER_HEAP_MB, PYTHON_WIRE_FLAGS, PYTHON_WIRE_USAGE, pythonWireOptions, type RunCommand } from "./parseArgs.js";
import { parseOptions, wholeNumberOption } from "./parseOptions.js";
import { UsageError } from "./usageError.js";
import type { CliIO } from "./runCommand.js";

/** `blok-parallel worker ...` */
export interface WorkerCommand extends Pick<RunCommand, "pythonService" | "pythonMaxMessageBytes"> {
  readonly command: "worker";
  readonly redisUrl: string;
  readonly queue: string;
  readonly nodesDir: string | undefined;
  readonly pythonNodesDir: string | undefined;
  readonly python: string | undefined;
  readonly concurrency: number;
  readonly workers: number | undefined;
  /** Heap cap of each worker thread, MB (`--worker-heap-mb`). */
  readonly workerHeapMb: number | undefined;
  readonly lockDurationMs: number | undefined;
  readonly stalledIntervalMs: number | undefined;
  readonly shutdownGraceMs: number;
  readonly connectTimeoutMs: number;
  /** One stderr line per job. */
  readonly verbose: boolean;
  /** Blok's node log lines (JSON) on stderr. */
  readonly logs: boolean;
  readonly debug: boolean;
}

export interface WorkerHelpCommand {
  readonly command: "worker-help";
}

export const WORKER_USAGE = `Usage: blok-parallel worker --redis <url> [options]

Runs the children of parallel-execution steps whose execution.backend is "queue": takes BullMQ
jobs from a Redis queue and runs each named node from THIS machine's node directories (a job
never carries code). Start as many as you like, on as many machines as you like. SIGTERM or
Ctrl-C: take no new job, let running ones finish (up to --shutdown-grace), put the rest back in
the queue for another worker, exit 0. A second signal skips the wait; a third exits at once.

Options:
  --redis <url>                Redis, redis://[user:password@]host:port[/db] or rediss://
                               (default: $BLOK_REDIS_URL)
  --queue <name>               queue to serve (default: ${DEFAULT_QUEUE_NAME}, the container's default)
  --nodes <dir>                directory of local nodes (default: $NODES_PATH)
  --python-nodes <dir>         directory of Python nodes; starts the bundled Python runtime on first
                               use (default: $PYTHON_NODES_PATH)
  --python <interpreter>       Python interpreter with grpc (default: $BLOK_PYTHON, auto-detected)
${PYTHON_WIRE_USAGE}  --concurrency <n>            jobs this process runs at once (default: 1; raise it for I/O-bound
                               nodes or children with isolation "worker")
  --workers <n>                worker threads for isolation "worker" (default: one per core)
  --worker-heap-mb <mb>        heap cap of each worker thread: a child allocating past it fails,
                               the worker stays up (default: node's --max-old-space-size, else a
                               quarter of the machine's memory shared by the threads)
  --lock-duration <ms>         a worker silent this long is presumed dead and its jobs are run
                               again elsewhere; renewed from a thread of its own, so a busy event
                               loop does not count as silence (default: 3000)
  --stalled-interval <ms>      how often to look for jobs of dead workers (default: 1000)
  --shutdown-grace <ms>        how long running jobs may finish on SIGTERM (default: 10000)
  --connect-timeout <ms>       give up starting when Redis does not answer within this (default: 5000)
  --verbose                    one line per job on stderr
  --logs                       print Blok's node log lines (JSON) on stderr
  --debug                      print stack traces
  -h, --help                   this text
`;

/**
 * Parses the arguments of `blok-parallel worker` (those after `worker`; a leading `worker` is
 * skipped too).
 *
 * @param argv - the arguments.
 * @param env - where `BLOK_REDIS_URL`, `NODES_PATH` and `PYTHON_NODES_PATH` are read.
 * @throws {UsageError} naming the offending option.
 */
export function parseWorkerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WorkerCommand | WorkerHelpCommand {
  const parsed = parseOptions(argv, {
    redis: { type: "string" },
    queue: { type: "string" },
    nodes: { type: "string" },
    "python-nodes": { type: "string" },
    python: { type: "string" },
    ...PYTHON_WIRE_FLAGS,
    concurrency: { type: "string" },
    workers: { type: "string" },
    "worker-heap-mb": { type: "string" },
    "lock-duration": { type: "string" },
    "stalled-interval": { type: "string" },
    "shutdown-grace": { type: "string" },
    "connect-timeout": { type: "string" },
    verbose: { type: "boolean", default: false },
    logs: { type: "boolean", default: false },
    debug: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  const { values } = parsed;
  const positionals = parsed.positionals[0] === "worker" ? parsed.positionals.slice(1) : parsed.positionals;
  if (values.help) return { command: "worker-help" };
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}" (worker takes options only)`);
  const redisUrl = values.redis ?? env.BLOK_REDIS_URL;
  if (!redisUrl) throw new UsageError("worker needs a Redis server: --redis redis://host:port (or set BLOK_REDIS_URL)");
  if (!REDIS_URL_PATTERN.test(redisUrl)) throw new UsageError(`--redis ${REDIS_URL_RULE} (received "${redactRedisUrl(redisUrl)}")`);
  const queue = values.queue ?? DEFAULT_QUEUE_NAME;
  if (!QUEUE_NAME_PATTERN.test(queue)) throw new UsageError(`--queue ${QUEUE_NAME_RULE} (received "${queue}")`);
  return {
    command: "worker",
    redisUrl,
    queue,
    nodesDir: values.nodes ?? env.NODES_PATH,
    pythonNodesDir: values["python-nodes"] ?? env.PYTHON_NODES_PATH,
    python: values.python,
    ...pythonWireOptions(values["python-service"], values["python-max-message-mb"]),
    concurrency: wholeNumberOption("concurrency", values.concurrency, 1) ?? 1,
    workers: wholeNumberOption("workers", values.workers, 1),
    workerHeapMb: wholeNumberOption("worker-heap-mb", values["worker-heap-mb"], MIN_WORKER_HEAP_MB),
    lockDurationMs: wholeNumberOption("lock-duration", values["lock-duration"], 100),
    stalledIntervalMs: wholeNumberOption("stalled-interval", values["stalled-interval"], 100),
    shutdownGraceMs: wholeNumberOption("shutdown-grace", values["shutdown-grace"], 0) ?? 10_000,
    connectTimeoutMs: wholeNumberOption("connect-timeout", values["connect-timeout"], 1) ?? 5_000,
    verbose: values.verbose ?? false,
    logs: values.logs ?? false,
    debug: values.debug ?? false,
  };
}

function describe(event: QueueWorkerEvent, verbose: boolean): string | undefined {
  switch (event.type) {
    case "ready":
      return `worker ${event.worker}: serving queue '${event.queue}' at ${event.url}, concurrency ${event.concurrency}`;
    case "closing":
      return `stopping: taking no new jobs; ${event.running} running job(s) may finish within ${event.graceMs} ms, the rest go back to the queue`;
    case "returned":
      return `returned ${event.child} (${event.job}) to the queue`;
    case "refused":
      return `refused job ${event.job}: ${event.message}`;
    case "stalled":
      return `job ${event.job} of a dead worker was put back in the queue`;
    case "lost":
      return `lost the lock on ${event.child} (${event.job}): this worker was presumed dead, another one runs it too`;
    case "superseded":
      return `${event.child} (${event.job}) finished after its lock was taken away: result handed over as a late result`;
    case "error":
      return `error: ${event.message}`;
    case "started":
      return verbose ? `started ${event.child} of '${event.container}' (${event.job})` : undefined;
    case "completed":
      return verbose ? `completed ${event.child} of '${event.container}' (${event.job}) in ${event.ms?.toFixed(1)} ms` : undefined;
    case "failed":
      return verbose ? `failed ${event.child} of '${event.container}' (${event.job}): ${event.message}` : undefined;
    case "cancelled":
      return verbose ? `cancelled ${event.child} of '${event.container}' (${event.job})` : undefined;
  }
}

/**
 * `blok-parallel worker`: serves the queue until SIGTERM or SIGINT (or `options.signal`), then
 * shuts down gracefully (see {@link WORKER_USAGE}); status lines go to stderr.
 *
 * @param command - the parsed command.
 * @param io - where to write.
 * @param options - `signal` stops the worker like SIGTERM (for embedding and tests).
 * @returns the exit code: 0 after a graceful stop, 1 when the worker cannot start.
 */
export async function runWorkerCommand(command: WorkerCommand | WorkerHelpCommand, io: CliIO, options: { readonly signal?: AbortSignal } = {}): Promise<number> {
  if (command.command === "worker-help") {
    io.stdout.write(WORKER_USAGE);
    return 0;
  }
  const say = (line: string) => io.stderr.write(`blok-parallel worker: ${line}\n`);
  let lastError = "";
  let lastErrorAt = 0;
  let worker: QueueWorker;
  let tracing: Tracing | undefined;
  try {
    tracing = await startTracing();
    // Imported here, so the CLI's other commands (and `worker --help`) never load bullmq.
    const { startQueueWorker } = await import("../composition/queueWorker/index.js");
    worker = await startQueueWorker({
      ...(tracing ? { tracing } : {}),
      redisUrl: command.redisUrl,
      queue: command.queue,
      concurrency: command.concurrency,
      ...(command.nodesDir ? { nodesDir: command.nodesDir } : {}),
      ...(command.pythonNodesDir ? { pythonNodesDir: command.pythonNodesDir } : {}),
      ...(command.python ? { python: command.python } : {}),
      ...(command.pythonService ? { pythonService: command.pythonService } : {}),
      ...(command.pythonMaxMessageBytes ? { pythonMaxMessageBytes: command.pythonMaxMessageBytes } : {}),
      ...(command.workers ? { threads: command.workers } : {}),
      ...(command.workerHeapMb ? { workerHeapMb: command.workerHeapMb } : {}),
      ...(command.lockDurationMs !== undefined ? { lockDuration: command.lockDurationMs } : {}),
      ...(command.stalledIntervalMs !== undefined ? { stalledInterval: command.stalledIntervalMs } : {}),
      shutdownGraceMs: command.shutdownGraceMs,
      connectTimeoutMs: command.connectTimeoutMs,
      logger: new DefaultLogger({ write: command.logs ? (line) => io.stderr.write(`${line}\n`) : () => undefined }),
      onEvent: (event) => {
        const line = describe(event, command.verbose);
        if (!line) return;
        // A Redis outage repeats the same error on every reconnect attempt of every connection.
        if (event.type === "error") {
          const now = Date.now();
          if (line === lastError && now - lastErrorAt < 10_000) return;
          lastError = line;
          lastErrorAt = now;
        }
        say(line);
      },
    });
  } catch (error) {
    io.stderr.write(errorParagraph(error, command.debug));
    await tracing?.shutdown();
    return 1;
  }
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const graceful = (why: string) => {
    say(`${why}: shutting down gracefully (send it again to return running jobs at once)`);
    void worker.close().then(stopped, stopped);
  };
  const disposeSignals = onShutdownSignals({
    stages: [
      graceful,
      (signal) => {
        say(`${signal} again: returning running jobs to the queue now (a third signal exits at once)`);
        void worker.close({ graceMs: 0 });
      },
    ],
    // Jobs still running go back to the queue through BullMQ's stalled-job check (--lock-duration).
    atOnce: (signal) => say(`${signal} a third time: exiting now`),
  });
  const onAbort = () => graceful("stop requested");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    await done;
    say("stopped");
    return 0;
  } finally {
    // Exports the spans still buffered, before the process exits.
    await tracing?.shutdown();
    disposeSignals();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
