import { PythonRuntimeError } from "./errors.js";
import { PythonRuntimeClient, type PythonRuntimeClientOptions } from "./PythonRuntimeClient.js";
import { pythonRuntimeFromEnv } from "./pythonRuntimeFromEnv.js";
import { startPythonRuntime, type PythonRuntimeProcess, type StartPythonRuntimeOptions } from "./startPythonRuntime.js";

/** Options of {@link openPythonRuntime}. */
export interface OpenPythonRuntimeOptions {
  /**
   * Nodes directory of a bundled runtime to start. When given, it wins over
   * `RUNTIME_PYTHON3_HOST` (the caller explicitly asked for an embedded runtime).
   */
  readonly nodesDir?: string;
  /** Where to read `RUNTIME_PYTHON3_HOST`/`_PORT` and `PYTHON_NODES_PATH`; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Further settings for {@link startPythonRuntime} when a bundled runtime is started. */
  readonly start?: Omit<StartPythonRuntimeOptions, "nodesDir">;
  /** Further settings for the {@link PythonRuntimeClient}. */
  readonly client?: Omit<PythonRuntimeClientOptions, "host" | "port">;
}

/** A connected runtime, as returned by {@link openPythonRuntime}. */
export interface OpenedPythonRuntime {
  /** The client, connected to the external or the embedded runtime. */
  readonly client: PythonRuntimeClient;
  /** The embedded runtime process, or `undefined` for an external runtime. */
  readonly embedded: PythonRuntimeProcess | undefined;
  /** Closes the client and stops the embedded runtime, if any. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to the Python runtime the way Blok configures it: the `nodesDir` option starts the
 * bundled runtime; otherwise `RUNTIME_PYTHON3_HOST`/`RUNTIME_PYTHON3_PORT` name an external one
 * (e.g. Blok's stock runtime); otherwise the bundled runtime is started on a free loopback port
 * with the nodes of `PYTHON_NODES_PATH`.
 *
 * @param options - nodes directory, environment, start and client settings.
 * @returns the client, the embedded process if one was started, and `close()`.
 * @throws {@link PythonRuntimeError} when none of the three is configured.
 * @throws what {@link startPythonRuntime} throws when the bundled runtime cannot start.
 * @example
 * ```ts
 * const runtime = await openPythonRuntime({ nodesDir: "examples/mixed/python-nodes" });
 * try {
 *   await runtime.client.execute({ node: "text_stats", context: { config: { text: "a b" } } });
 * } finally {
 *   await runtime.close();
 * }
 * ```
 */
export async function openPythonRuntime(options: OpenPythonRuntimeOptions = {}): Promise<OpenedPythonRuntime> {
  const env = options.env ?? process.env;
  const external = options.nodesDir === undefined ? pythonRuntimeFromEnv(env) : undefined;
  if (external) {
    const client = new PythonRuntimeClient({ ...options.client, ...external });
    return { client, embedded: undefined, close: async () => client.close() };
  }
  const nodesDir = options.nodesDir ?? env.PYTHON_NODES_PATH?.trim();
  if (!nodesDir) {
    throw new PythonRuntimeError(
      "No Python runtime configured: set RUNTIME_PYTHON3_HOST (and RUNTIME_PYTHON3_PORT) to use a running one, " +
        "or PYTHON_NODES_PATH to start the bundled runtime with the nodes of that directory",
    );
  }
  const embedded = await startPythonRuntime({ ...options.start, nodesDir });
  const client = new PythonRuntimeClient({ ...options.client, host: embedded.host, port: embedded.port });
  let closing: Promise<void> | undefined;
  return {
    client,
    embedded,
    close: () =>
      (closing ??= (async () => {
        client.close();
        await embedded.stop();
      })()),
  };
}
