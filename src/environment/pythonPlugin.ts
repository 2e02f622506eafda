import { type OpenedPythonRuntime, openPythonRuntime, PythonNode } from "../runtimes/python/index.js";
import type { RuntimePlugin } from "./createEnvironment.js";

/** Options of {@link pythonPlugin}. */
export interface PythonPluginOptions {
  /** Directory of Python nodes for the bundled runtime; else `RUNTIME_PYTHON3_HOST` (an external runtime) or `PYTHON_NODES_PATH`. */
  readonly nodesDir?: string;
  /** Interpreter with grpc; else `BLOK_PYTHON`, else auto-detected. */
  readonly python?: string;
}

/**
 * `runtime.python3` steps and children. The runtime is opened on first use (a workflow without
 * Python never starts one): an external Blok runtime when `RUNTIME_PYTHON3_HOST` is set and no
 * `nodesDir` is given, else the bundled one, started on a free loopback port and stopped by
 * `close()`. All calls share one channel.
 */
export function pythonPlugin(options: PythonPluginOptions = {}): RuntimePlugin {
  let opened: Promise<OpenedPythonRuntime> | undefined;
  const runtime = () =>
    (opened ??= openPythonRuntime({
      ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}),
      ...(options.python ? { start: { python: options.python } } : {}),
    }));
  return {
    resolvers: { "runtime.python3": async () => new PythonNode((await runtime()).client) },
    close: async () => {
      const current = await opened?.catch(() => undefined);
      await current?.close();
    },
  };
}
