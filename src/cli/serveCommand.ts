import { startServer, DEFAULT_BODY_LIMIT_MB, DEFAULT_HOST, DEFAULT_PORT } from "../server/index.js";
import { createPlugins } from "./createPlugins.js";
import { errorParagraph } from "./formatError.js";
import { MIN_WORKER_HEAP_MB, PYTHON_WIRE_FLAGS, PYTHON_WIRE_USAGE, pythonWireOptions, type RunCommand } from "./parseArgs.js";
import { parseOptions, wholeNumberOption } from "./parseOptions.js";
import type { CliIO } from "./runCommand.js";
import { runSubcommand } from "./runSubcommand.js";
import { onShutdownSignals } from "./shutdownSignals.js";
import { startTracing, type Tracing } from "../telemetry/index.js";
import { UsageError } from "./usageError.js";

/** `blok-parallel serve ...`: the runtime settings are `run`'s (Python, its wire, worker threads, expressions). */
export interface ServeCommand extends Pick<RunCommand, "nodesDir" | "pythonNodesDir" | "python" | "pythonService" | "pythonMaxMessageBytes" | "workers" | "workerHeapMb" | "expressionTimeoutMs"> {
  readonly command: "serve";
  readonly workflowsDir: string;
  readonly host: string;
  readonly port: number;
  /** Bearer token every route but /health-check needs; `--token`, else `BLOK_PARALLEL_TOKEN`. */
  readonly token: string | undefined;
  readonly bodyLimitMb: number;
  readonly cors: string | undefined;
  /** Redis for queue-backend steps; else the step's `queue.redis_url` or `BLOK_REDIS_URL`. */
  readonly redis: string | undefined;
  readonly debug: boolean;
}

export interface ServeHelpCommand {
  readonly command: "serve-help";
}

export const SERVE_USAGE = `Usage: blok-parallel serve --workflows <dir> [options]

Serves every workflow file (JSON or YAML) of a folder over HTTP as Blok's trigger does: the file
<name>.json answers at /<name>, honouring its trigger.http method and path. Runs can be followed
at /runs/<id> and, live, at /runs/<id>/events (Server-Sent Events); Prometheus metrics at
/metrics, a health check at /health-check. Prints "listening on
http://<host>:<port>" on stderr once ready. SIGINT or SIGTERM: stop accepting, cancel running
runs, end every event stream, exit 0; a second one exits at once.

Options:
  --workflows <dir>            folder of workflow files (required)
  --nodes <dir>                directory of local nodes (default: $NODES_PATH)
  --python-nodes <dir>         directory of Python nodes (starts the bundled Python runtime on first use)
  --python <interpreter>       Python interpreter with grpc (default: $BLOK_PYTHON, auto-detected)
${PYTHON_WIRE_USAGE}  --workers <n>                worker threads for isolation "worker" (default: one per core)
  --worker-heap-mb <mb>        heap cap of each worker thread (default: node's --max-old-space-size,
                               else a quarter of the machine's memory shared by the threads)
  --expression-timeout-ms <ms>
                               time limit of a step's js/ and \${...} expressions, 0 = none
                               (default: $BLOK_EXPRESSION_TIMEOUT_MS, else 1000)
  --host <address>             interface to bind (default: ${DEFAULT_HOST})
  --port <n>                   port; 0 picks a free one (default: ${DEFAULT_PORT})
  --token <token>              every route but /health-check needs "Authorization: Bearer <token>"
                               (default: $BLOK_PARALLEL_TOKEN; none: no authentication)
  --body-limit-mb <mb>         largest request body, MB (default: ${DEFAULT_BODY_LIMIT_MB})
  --cors <origin>              allow this origin (or *) by CORS (default: CORS off)
  --redis <url>                Redis for steps with execution.backend "queue" (default: $BLOK_REDIS_URL)
  --debug                      print stack traces
  -h, --help                   this text
`;

/**
 * Parses the arguments of `blok-parallel serve` (those after `serve`).
 *
 * @param env - where `BLOK_PARALLEL_TOKEN` and `NODES_PATH` are read.
 * @throws {UsageError} naming the offending option.
 */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeCommand | ServeHelpCommand {
  const { values, positionals } = parseOptions(argv, {
    workflows: { type: "string" },
    nodes: { type: "string" },
    "python-nodes": { type: "string" },
    python: { type: "string" },
    ...PYTHON_WIRE_FLAGS,
    workers: { type: "string" },
    "worker-heap-mb": { type: "string" },
    "expression-timeout-ms": { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    token: { type: "string" },
    "body-limit-mb": { type: "string" },
    cors: { type: "string" },
    redis: { type: "string" },
    debug: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { command: "serve-help" };
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}" (serve takes options only)`);
  if (!values.workflows) throw new UsageError("serve needs a folder of workflows: --workflows <dir>");
  const port = wholeNumberOption("port", values.port, 0) ?? DEFAULT_PORT;
  if (port > 65535) throw new UsageError(`--port must be at most 65535 (received "${values.port}")`);
  const token = values.token ?? env.BLOK_PARALLEL_TOKEN;
  if (token !== undefined && token.trim() === "") throw new UsageError("--token (or BLOK_PARALLEL_TOKEN) must not be empty");
  return {
    command: "serve",
    workflowsDir: values.workflows,
    nodesDir: values.nodes ?? env.NODES_PATH,
    pythonNodesDir: values["python-nodes"],
    python: values.python,
    ...pythonWireOptions(values["python-service"], values["python-max-message-mb"]),
    workers: wholeNumberOption("workers", values.workers),
    workerHeapMb: wholeNumberOption("worker-heap-mb", values["worker-heap-mb"], MIN_WORKER_HEAP_MB),
    expressionTimeoutMs: wholeNumberOption("expression-timeout-ms", values["expression-timeout-ms"], 0),
    host: values.host ?? DEFAULT_HOST,
    port,
    token,
    bodyLimitMb: wholeNumberOption("body-limit-mb", values["body-limit-mb"], 1) ?? DEFAULT_BODY_LIMIT_MB,
    cors: values.cors,
    redis: values.redis,
    debug: values.debug ?? false,
  };
}

/**
 * `blok-parallel serve`: parses its arguments, serves until SIGINT or SIGTERM, then shuts down
 * (see {@link runServeCommand}).
 *
 * @returns the exit code: 0 after a signal, 1 when the server cannot start, 2 for bad arguments.
 */
export function serveMain(argv: readonly string[], io: CliIO): Promise<number> {
  return runSubcommand<ServeCommand, ServeHelpCommand>(argv, io, {
    parse: (args) => parseServeArgs(args),
    usage: SERVE_USAGE,
    help: "serve-help",
    run: (command) => runServeCommand(command, io),
  });
}

/**
 * Starts the server, prints `listening on <url>` on stderr, and serves until the first SIGINT or
 * SIGTERM (the shared signal contract: {@link onShutdownSignals}), which stops accepting,
 * cancels running runs and ends every event stream; a second signal exits at once.
 *
 * @returns 0 after a clean shutdown, 1 when the server cannot start.
 */
export async function runServeCommand(command: ServeCommand, io: CliIO): Promise<number> {
  const plugins = await createPlugins(command);
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const disposeSignals = onShutdownSignals({
    stages: [
      (signal) => {
        io.stderr.write(`blok-parallel: ${signal}: shutting down: no new requests, cancelling running runs (send it again to exit at once)\n`);
        stop();
      },
    ],
  });
  let tracing: Tracing | undefined;
  try {
    tracing = await startTracing();
    const server = await startServer({
      ...(tracing ? { tracing } : {}),
      workflowsDir: command.workflowsDir,
      ...(command.nodesDir ? { nodesDir: command.nodesDir } : {}),
      plugins,
      ...(command.expressionTimeoutMs !== undefined ? { expressionTimeoutMs: command.expressionTimeoutMs } : {}),
      host: command.host,
      port: command.port,
      ...(command.token !== undefined ? { token: command.token } : {}),
      bodyLimitBytes: command.bodyLimitMb * 1024 * 1024,
      ...(command.cors !== undefined ? { cors: command.cors } : {}),
      connectQueue: async (settings) => (await import("../runtimes/queue/index.js")).createQueueConnector(command.redis ? { redisUrl: command.redis } : {})(settings),
    });
    for (const route of server.workflows.values()) {
      if (!route.http) io.stderr.write(`blok-parallel: ${route.file} has no trigger.http: not served\n`);
    }
    io.stderr.write(`listening on ${server.url}\n`);
    await stopped;
    await server.close();
    io.stderr.write("blok-parallel: stopped\n");
    return 0;
  } catch (error) {
    io.stderr.write(errorParagraph(error, command.debug));
    return 1;
  } finally {
    await Promise.allSettled(plugins.map((plugin) => plugin.close()));
    // Exports the spans still buffered, before the process exits.
    await tracing?.shutdown();
    disposeSignals();
  }
}
