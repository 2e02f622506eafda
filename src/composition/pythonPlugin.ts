import type { OpenedPythonRuntime } from "../runtimes/python/index.js";
import type { RuntimePlugin } from "./createEnvironment.js";

/** Options of {@link pythonPlugin}. */
export interface PythonPluginOptions {
  /** Directory of Python nodes for the bundled runtime; else `RUNTIME_PYTHON3_HOST` (an external runtime) or `PYTHON_NODES_PATH`. */
  readonly nodesDir?: string;
  /** Interpreter with grpc; else `BLOK_PYTHON`, else auto-detected. */
  readonly python?: string;
  /** Full gRPC service name of the runtime; else `RUNTIME_PYTHON3_SERVICE`, else the released name with one fallback. */
  readonly service?: string;
  /** Largest request/reply in bytes, client and bundled runtime; else `RUNTIME_PYTHON3_MAX_MESSAGE_MB`, else 64 MiB. */
  readonly maxMessageBytes?: number;
}

/** The Python plugin: a {@link RuntimePlugin} that also tells whether its runtime can take calls. */
export interface PythonRuntimePlugin extends RuntimePlugin {
  /**
   * `false` while the bundled runtime restarts after a crash or is down for good; `true`
   * otherwise, including before the runtime was first opened.
   */
  pythonAvailable(): boolean;
}

/**
 * `runtime.python3` steps and children. The runtime is opened on first use (a workflow without
 * Python never starts one): an external Blok runtime when `RUNTIME_PYTHON3_HOST` is set and no
 * `nodesDir` is given, else the bundled one, started on a free loopback port, supervised
 * (restarted after a crash) and stopped by `close()`. All calls share one channel. The runtime's
 * code (and its optional peers @grpc/grpc-js, @grpc/proto-loader) is imported on first use too.
 */
export function pythonPlugin(options: PythonPluginOptions = {}): PythonRuntimePlugin {
  let opened: Promise<OpenedPythonRuntime> | undefined;
  let ready: OpenedPythonRuntime | undefined;
  // The runtime module is imported on first use, so the package's root never loads gRPC.
  const python = () => import("../runtimes/python/index.js");
  const runtime = () =>
    (opened ??= python().then(({ openPythonRuntime }) => openPythonRuntime({
      ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}),
      ...(options.python ? { start: { python: options.python } } : {}),
      ...(options.service ? { service: options.service } : {}),
      ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
    })).then((value) => (ready = value)));
  return {
    resolvers: { "runtime.python3": async () => new (await python()).PythonNode((await runtime()).client) },
    pythonAvailable: () => ready?.availability.available ?? true,
    close: async () => {
      const current = await opened?.catch(() => undefined);
      await current?.close();
    },
  };
}
