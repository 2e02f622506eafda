import { DefaultLogger } from "../blok/index.js";
import { createEnvironment, type RuntimePlugin } from "../composition/index.js";
import { startTracing, type Tracing } from "../telemetry/index.js";
import { errorDocument, errorParagraph } from "./formatError.js";
import type { RunCommand } from "./parseArgs.js";
import { createProgressReporter } from "./progressReporter.js";
import { jsonText } from "./jsonText.js";
import { readBody } from "./readBody.js";
import { InterruptedError, onShutdownSignals } from "./shutdownSignals.js";

/** Where the CLI writes. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/** Starts the runtimes a command asks for (Python, worker threads). */
export type PluginFactory = (command: RunCommand) => Promise<RuntimePlugin[]>;

/**
 * `blok-parallel run`: runs the workflow, prints its final response data as one JSON document on
 * stdout (or `{"error": {...}}` and exit code 1), progress on stderr. The first SIGINT or SIGTERM
 * cancels the run (children see their signals abort, worker threads end, Python calls are
 * cancelled) and it ends as a failed run: error document, exit 1; a second one exits at once
 * (see {@link onShutdownSignals}). Every runtime is shut down on the way out.
 *
 * @returns the exit code.
 */
export async function runCommand(command: RunCommand, io: CliIO, createPlugins: PluginFactory): Promise<number> {
  const reporter = createProgressReporter(command.progress, io.stderr);
  const controller = new AbortController();
  let printed = false;
  const print = (document: unknown) => {
    printed = true;
    const { text, bigints } = jsonText(document);
    for (const path of bigints) io.stderr.write(`blok-parallel: ${path || "the result"} is a BigInt, which JSON cannot hold: printed as a decimal string\n`);
    io.stdout.write(`${text}\n`);
  };
  const disposeSignals = onShutdownSignals({
    stages: [
      (signal) => {
        io.stderr.write(`blok-parallel: ${signal}: cancelling the run (send it again to exit at once)\n`);
        controller.abort(new InterruptedError(signal));
      },
    ],
    atOnce: (signal) => {
      reporter.close();
      const error = new Error(`interrupted by ${signal} twice: exited without waiting for the run to cancel`);
      io.stderr.write(errorParagraph(error, false));
      if (!printed) print(errorDocument(error));
    },
  });
  let plugins: RuntimePlugin[] = [];
  let tracing: Tracing | undefined;
  try {
    tracing = await startTracing();
    const body = await readBody(command.body);
    // stdout is reserved for the result document: Blok's log lines go to stderr, and only on request.
    const logger = command.logs ? new DefaultLogger({ write: (line) => io.stderr.write(`${line}\n`), always: true }) : new DefaultLogger({ enabled: false });
    plugins = await createPlugins(command);
    const run = async (forceSequential: boolean) => {
      const tracer = tracing?.forRun();
      const env = createEnvironment({
        ...(command.nodesDir ? { nodesDir: command.nodesDir } : {}),
        plugins,
        onEvent: tracer
          ? (step, event) => {
              reporter.onEvent(step, event);
              tracer.onEvent(step, event);
            }
          : reporter.onEvent,
        forceSequential,
        // Loaded on first use: bullmq takes about a second to load, and most runs never need it.
        connectQueue: async (settings) => (await import("../runtimes/queue/index.js")).createQueueConnector(command.redis ? { redisUrl: command.redis } : {})(settings),
      });
      const started = performance.now();
      const { response } = await env.run(command.workflow, { body, logger, signal: controller.signal, expressionTimeoutMs: command.expressionTimeoutMs, ...(tracer ? { observer: tracer } : {}) });
      return { data: response.data, ms: performance.now() - started };
    };
    const result = await run(command.strategy === "sequential");
    // A run whose last step ignored the abort still finished after the signal: it was interrupted all the same.
    controller.signal.throwIfAborted();
    if (command.compareSequential) {
      io.stderr.write(`as written: ${(result.ms / 1000).toFixed(2)}s; now running every parallel-execution step sequentially for comparison...\n`);
      const baseline = await run(true);
      controller.signal.throwIfAborted();
      io.stderr.write(
        `sequential: ${(baseline.ms / 1000).toFixed(2)}s; speed-up ${(baseline.ms / result.ms).toFixed(2)}x (same workflow, same data)\n`,
      );
    }
    // Data with no JSON form (undefined, a function) prints null: stdout must stay JSON.
    print(result.data);
    return 0;
  } catch (error) {
    reporter.close();
    io.stderr.write(errorParagraph(error, command.debug));
    print(errorDocument(error));
    return 1;
  } finally {
    reporter.close();
    await Promise.allSettled(plugins.map((plugin) => plugin.close()));
    // Exports the spans still buffered, before the process exits.
    await tracing?.shutdown();
    // Only now: a second signal while the runtimes close must still exit at once, not kill the process silently.
    disposeSignals();
  }
}
