import { DefaultLogger } from "../blok/index.js";
import { createEnvironment, type RuntimePlugin } from "../environment/index.js";
import { errorDocument, errorParagraph } from "./formatError.js";
import type { RunCommand } from "./parseArgs.js";
import { createProgressReporter } from "./progressReporter.js";
import { readBody } from "./readBody.js";

/** Where the CLI writes. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/** Starts the runtimes a command asks for (Python, worker threads). */
export type PluginFactory = (command: RunCommand) => Promise<RuntimePlugin[]>;

/**
 * `blok-parallel run`: runs the workflow, prints its final response data as one JSON document on
 * stdout (or `{"error": {...}}` and exit code 1), progress on stderr. Ctrl-C cancels the run
 * (children see their signals abort) and every runtime is shut down on the way out.
 *
 * @returns the exit code.
 */
export async function runCommand(command: RunCommand, io: CliIO, createPlugins: PluginFactory): Promise<number> {
  const reporter = createProgressReporter(command.progress, io.stderr);
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", interrupt);
  let plugins: RuntimePlugin[] = [];
  try {
    const body = await readBody(command.body);
    // stdout is reserved for the result document: Blok's log lines go to stderr, and only on request.
    const logger = command.logs ? new DefaultLogger({ write: (line) => io.stderr.write(`${line}\n`), always: true }) : new DefaultLogger({ enabled: false });
    plugins = await createPlugins(command);
    const run = async (forceSequential: boolean) => {
      const env = createEnvironment({
        ...(command.nodesDir ? { nodesDir: command.nodesDir } : {}),
        plugins,
        onEvent: reporter.onEvent,
        forceSequential,
        // Loaded on first use: bullmq takes about a second to load, and most runs never need it.
        connectQueue: async (settings) => (await import("../runtimes/queue/index.js")).createQueueConnector(command.redis ? { redisUrl: command.redis } : {})(settings),
      });
      const started = performance.now();
      const { response } = await env.run(command.workflow, { body, logger, signal: controller.signal, expressionTimeoutMs: command.expressionTimeoutMs });
      return { data: response.data, ms: performance.now() - started };
    };
    const result = await run(command.strategy === "sequential");
    if (command.compareSequential) {
      io.stderr.write(`as written: ${(result.ms / 1000).toFixed(2)}s; now running every parallel-execution step sequentially for comparison...\n`);
      const baseline = await run(true);
      io.stderr.write(
        `sequential: ${(baseline.ms / 1000).toFixed(2)}s; speed-up ${(baseline.ms / result.ms).toFixed(2)}x (same workflow, same data)\n`,
      );
    }
    // Data with no JSON form (undefined, a function) would print "undefined": stdout must stay JSON.
    io.stdout.write(`${JSON.stringify(result.data) ?? "null"}\n`);
    return 0;
  } catch (error) {
    reporter.close();
    io.stderr.write(errorParagraph(error, command.debug));
    io.stdout.write(`${JSON.stringify(errorDocument(error))}\n`);
    return 1;
  } finally {
    reporter.close();
    process.removeListener("SIGINT", interrupt);
    await Promise.allSettled(plugins.map((plugin) => plugin.close()));
  }
}
