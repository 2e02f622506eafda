import type { RuntimePlugin } from "../createEnvironment.js";
import type { PythonPluginOptions, PythonRuntimePlugin } from "../pythonPlugin.js";
import type { WorkerPluginOptions } from "../workerPlugin.js";

/** The options of a queue worker that configure its default runtimes. */
export interface DefaultRuntimeOptions {
  readonly nodesDir?: string;
  readonly pythonNodesDir?: string;
  readonly python?: string;
  readonly pythonService?: string;
  readonly pythonMaxMessageBytes?: number;
  readonly threads?: number;
  readonly workerHeapMb?: number;
}

/**
 * A queue worker's runtimes when it is given none: the bundled Python runtime and worker threads,
 * each loaded on first use, so a worker that never runs Python never loads grpc (nor piscina
 * without a worker-isolated job), and starts faster.
 */
export function defaultRuntimePlugins(options: DefaultRuntimeOptions): RuntimePlugin[] {
  return [
    lazyPythonPlugin({
      ...(options.pythonNodesDir ? { nodesDir: options.pythonNodesDir } : {}),
      ...(options.python ? { python: options.python } : {}),
      ...(options.pythonService ? { service: options.pythonService } : {}),
      ...(options.pythonMaxMessageBytes ? { maxMessageBytes: options.pythonMaxMessageBytes } : {}),
    }),
    lazyWorkerPlugin({
      ...(options.nodesDir ? { nodesDir: options.nodesDir } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.workerHeapMb ? { heapMb: options.workerHeapMb } : {}),
    }),
  ];
}

/**
 * Whether every plugin with a Python runtime can serve now (one restarting or down cannot): a
 * worker whose runtime cannot hands Python jobs back to the queue instead of failing them.
 */
export function pythonAvailable(plugins: readonly RuntimePlugin[]): boolean {
  return plugins.every((plugin) => (plugin as Partial<PythonRuntimePlugin>).pythonAvailable?.() ?? true);
}

/** `pythonPlugin`, its module loaded on the first Python job. */
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

/** `workerPlugin`, its module (and piscina) loaded on the first worker-isolated job. */
function lazyWorkerPlugin(options: WorkerPluginOptions): RuntimePlugin {
  let plugin: Promise<RuntimePlugin> | undefined;
  const load = () => (plugin ??= import("../workerPlugin.js").then((module) => module.workerPlugin(options)));
  return {
    resolveWorker: async (step) => (await load()).resolveWorker!(step),
    close: async () => (await plugin)?.close(),
  };
}
