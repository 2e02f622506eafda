import { type PythonRuntimePlugin, pythonPlugin } from "./pythonPlugin.js";
import type { RuntimePlugin } from "./createEnvironment.js";
import { workerPlugin } from "./workerPlugin.js";

/** The settings of the default runtimes, as `run`, `serve` and `worker` take them. */
export interface DefaultRuntimeOptions {
  /** Directory of local nodes (worker-isolated children). */
  readonly nodesDir?: string | undefined;
  /** Directory of Python nodes for the bundled runtime. */
  readonly pythonNodesDir?: string | undefined;
  /** Interpreter with grpc. */
  readonly python?: string | undefined;
  /** Full gRPC service name of the Python runtime. */
  readonly pythonService?: string | undefined;
  /** Largest Python request and reply, in bytes. */
  readonly pythonMaxMessageBytes?: number | undefined;
  /** Worker thread count. */
  readonly threads?: number | undefined;
  /** Heap cap of each worker thread, in MB. */
  readonly workerHeapMb?: number | undefined;
}

/**
 * The runtimes a command uses when it is given none: the Python runtime and worker threads. Both
 * open on first use (and import their libraries only then), so a workflow or a queue worker that
 * never meets a Python or worker-isolated child never starts one.
 *
 * @param options - the command's settings; unset ones fall back to each plugin's defaults.
 * @returns the two plugins, to hand to `createEnvironment` (which closes them).
 */
export function defaultRuntimePlugins(options: DefaultRuntimeOptions): RuntimePlugin[] {
  return [
    pythonPlugin({
      ...(options.pythonNodesDir ? { nodesDir: options.pythonNodesDir } : {}),
      ...(options.python ? { python: options.python } : {}),
      ...(options.pythonService ? { service: options.pythonService } : {}),
      ...(options.pythonMaxMessageBytes ? { maxMessageBytes: options.pythonMaxMessageBytes } : {}),
    }),
    workerPlugin({
      ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.workerHeapMb ? { heapMb: options.workerHeapMb } : {}),
    }),
  ];
}

/**
 * Whether every plugin with a Python runtime can serve now (one restarting or down cannot): a
 * queue worker whose runtime cannot hands Python jobs back to the queue instead of failing them.
 */
export function pythonAvailable(plugins: readonly RuntimePlugin[]): boolean {
  return plugins.every((plugin) => (plugin as Partial<PythonRuntimePlugin>).pythonAvailable?.() ?? true);
}
