import { maxMessageMbToBytes } from "../runtimes/python/pythonRuntimeFromEnv.js";
import { checkNodeServiceName } from "../runtimes/python/serviceNames.js";
import { parseOptions, wholeNumberOption } from "./parseOptions.js";
import { UsageError } from "./usageError.js";

/** The smallest `--worker-heap-mb` (the worker pool's own floor). */
export const MIN_WORKER_HEAP_MB = 16;


/** The usage lines of the Python wire flags, shared by `run`, `serve` and `worker`. */
export const PYTHON_WIRE_USAGE = `  --python-service <name>      gRPC service of the Python runtime, e.g. nanoservice.workflow.v1.NodeService
                               (default: $RUNTIME_PYTHON3_SERVICE, else that one with one fallback
                               to blok.workflow.v1.NodeService)
  --python-max-message-mb <n>  largest Python request/reply in MiB, client and bundled runtime
                               (default: $RUNTIME_PYTHON3_MAX_MESSAGE_MB, else 64)
`;

/** The Python wire flags as `parseOptions` declares them, shared by `run`, `serve` and `worker`. */
export const PYTHON_WIRE_FLAGS = {
  "python-service": { type: "string" },
  "python-max-message-mb": { type: "string" },
} as const;

export type ProgressStyle = "auto" | "bar" | "ndjson" | "none";

/** `blok-parallel run ...` */
export interface RunCommand {
  readonly command: "run";
  readonly workflow: string;
  /** Raw `--body` value: JSON text, or `@file`. */
  readonly body: string | undefined;
  readonly nodesDir: string | undefined;
  readonly pythonNodesDir: string | undefined;
  readonly python: string | undefined;
  /** `--python-service`: full gRPC service name of the Python runtime. */
  readonly pythonService?: string | undefined;
  /** `--python-max-message-mb`, in bytes. */
  readonly pythonMaxMessageBytes?: number | undefined;
  readonly workers: number | undefined;
  /** Heap cap of each worker thread, MB (`--worker-heap-mb`). */
  readonly workerHeapMb: number | undefined;
  readonly progress: ProgressStyle;
  readonly strategy: "sequential" | undefined;
  readonly compareSequential: boolean;
  /** Print Blok's node log lines (JSON, one per line) on stderr. */
  readonly logs: boolean;
  /** Redis for queue-backend steps; else the step's `queue.redis_url` or `BLOK_REDIS_URL`. */
  readonly redis: string | undefined;
  readonly debug: boolean;
  /** Time limit of each step's workflow expressions (`js/`, `${...}`), in ms; 0 = none. */
  readonly expressionTimeoutMs: number | undefined;
}

export interface HelpCommand {
  readonly command: "help";
}

export const USAGE = `Usage: blok-parallel run <workflow-file> [options]
       blok-parallel worker --redis <url> [options]   (a queue worker: blok-parallel worker --help)
       blok-parallel serve --workflows <dir> [options] (an HTTP server: blok-parallel serve --help)

Runs a Blok workflow (JSON or YAML). stdout carries only the final response data as one JSON
document; progress goes to stderr. Ctrl-C or SIGTERM cancels the run (error document, exit 1);
a second one exits at once.

Options:
  --body <json>|@<file>        request body (ctx.request.body)
  --nodes <dir>                directory of local nodes (default: $NODES_PATH)
  --python-nodes <dir>         directory of Python nodes: starts the bundled Python runtime, even
                               when RUNTIME_PYTHON3_HOST is set (without it: the runtime at
                               RUNTIME_PYTHON3_HOST, else the bundled one on $PYTHON_NODES_PATH)
  --python <interpreter>       Python interpreter with grpc (default: $BLOK_PYTHON, auto-detected)
${PYTHON_WIRE_USAGE}  --workers <n>                worker threads for isolation "worker" (default: one per core)
  --worker-heap-mb <mb>        heap cap of each worker thread: a child allocating past it fails,
                               the host stays up (default: node's --max-old-space-size, else a
                               quarter of the machine's memory shared by the threads)
  --progress auto|bar|ndjson|none
                               live bar on a TTY (auto), NDJSON events, or nothing (default: auto)
  --strategy sequential        run every parallel-execution step sequentially (debugging)
  --compare-sequential         run twice (as written, then sequential) and report the speed-up
  --logs                       print Blok's node log lines (JSON) on stderr
  --redis <url>                Redis for steps with execution.backend "queue" (default: $BLOK_REDIS_URL)
  --expression-timeout-ms <ms>
                               time limit of a step's js/ and \${...} expressions, 0 = none
                               (default: $BLOK_EXPRESSION_TIMEOUT_MS, else 1000)
  --debug                      print stack traces
  -h, --help                   this text
`;

/**
 * Parses the command line (without `node` and the script).
 *
 * @throws {UsageError} naming the offending option.
 */
export function parseArgs(argv: readonly string[]): RunCommand | HelpCommand {
  const parsed = parseOptions(argv, {
    body: { type: "string" },
    nodes: { type: "string" },
    "python-nodes": { type: "string" },
    python: { type: "string" },
    ...PYTHON_WIRE_FLAGS,
    workers: { type: "string" },
    "worker-heap-mb": { type: "string" },
    progress: { type: "string", default: "auto" },
    strategy: { type: "string" },
    "compare-sequential": { type: "boolean", default: false },
    logs: { type: "boolean", default: false },
    redis: { type: "string" },
    debug: { type: "boolean", default: false },
    "expression-timeout-ms": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: "help" };
  const [command, workflow, ...rest] = positionals;
  if (command !== "run") throw new UsageError(`Unknown command "${command}" (expected "run" or "worker")`);
  if (!workflow) throw new UsageError("run needs a workflow file: blok-parallel run <workflow-file>");
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}"`);
  const progress = values.progress as string;
  if (!["auto", "bar", "ndjson", "none"].includes(progress)) throw new UsageError(`--progress must be auto, bar, ndjson or none (received "${progress}")`);
  if (values.strategy !== undefined && values.strategy !== "sequential") throw new UsageError(`--strategy only accepts "sequential" (received "${values.strategy}")`);
  return {
    command: "run",
    workflow,
    body: values.body,
    nodesDir: values.nodes ?? process.env.NODES_PATH,
    // Only the flag: the environment variables keep their precedence in the runtime itself
    // (RUNTIME_PYTHON3_HOST, an external runtime, before PYTHON_NODES_PATH, the bundled one).
    pythonNodesDir: values["python-nodes"],
    python: values.python,
    ...pythonWireOptions(values["python-service"], values["python-max-message-mb"]),
    workers: wholeNumberOption("workers", values.workers),
    workerHeapMb: wholeNumberOption("worker-heap-mb", values["worker-heap-mb"], MIN_WORKER_HEAP_MB),
    progress: progress as ProgressStyle,
    strategy: values.strategy as "sequential" | undefined,
    compareSequential: values["compare-sequential"] ?? false,
    logs: values.logs ?? false,
    redis: values.redis,
    debug: values.debug ?? false,
    expressionTimeoutMs: wholeNumberOption("expression-timeout-ms", values["expression-timeout-ms"], 0),
  };
}

/** `--python-service` and `--python-max-message-mb`, checked; absent flags stay absent. */
export function pythonWireOptions(service: string | undefined, maxMessageMb: string | undefined): Pick<RunCommand, "pythonService" | "pythonMaxMessageBytes"> {
  try {
    return {
      ...(service === undefined ? {} : { pythonService: checkNodeServiceName(service, "--python-service") }),
      ...(maxMessageMb === undefined ? {} : { pythonMaxMessageBytes: maxMessageMbToBytes(maxMessageMb, "--python-max-message-mb") }),
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
