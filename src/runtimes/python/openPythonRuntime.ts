import { PythonRuntimeError } from "./errors.js";
import { watchExternalRuntime } from "./externalAvailability.js";
import { PythonRuntimeClient, type PythonRuntimeClientOptions } from "./PythonRuntimeClient.js";
import { pythonRuntimeFromEnv, pythonWireFromEnv } from "./pythonRuntimeFromEnv.js";
import type { PythonRuntimeProcess, StartPythonRuntimeOptions } from "./startPythonRuntime.js";
import { superviseBundledRuntime, type PythonRuntimeAvailability, type PythonSupervisionOptions } from "./superviseBundledRuntime.js";

/** Options of {@link openPythonRuntime}. */
export interface OpenPythonRuntimeOptions {
  /**
   * Nodes directory of a bundled runtime to start. When given, it wins over
   * `RUNTIME_PYTHON3_HOST` (the caller explicitly asked for an embedded runtime).
   */
  readonly nodesDir?: string;
  /**
   * Where to read `RUNTIME_PYTHON3_HOST`/`_PORT`/`_SERVICE`/`_MAX_MESSAGE_MB` and
   * `PYTHON_NODES_PATH`; default `process.env`.
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Full gRPC service name to call (`--python-service`); wins over `RUNTIME_PYTHON3_SERVICE`.
   * Default: `nanoservice.workflow.v1.NodeService`, falling back once to `blok.workflow.v1.NodeService`.
   */
  readonly service?: string;
  /**
   * Largest request and reply in bytes, for the client and the bundled runtime alike
   * (`--python-max-message-mb`); wins over `RUNTIME_PYTHON3_MAX_MESSAGE_MB`. Default 64 MiB.
   */
  readonly maxMessageBytes?: number;
  /** Further settings for {@link startPythonRuntime} when a bundled runtime is started. */
  readonly start?: Omit<StartPythonRuntimeOptions, "nodesDir">;
  /** Further settings for the {@link PythonRuntimeClient}. */
  readonly client?: Omit<PythonRuntimeClientOptions, "host" | "port">;
  /** Health probe and restart policy of a bundled runtime. */
  readonly supervision?: PythonSupervisionOptions;
}

/** A connected runtime, as returned by {@link openPythonRuntime}. */
export interface OpenedPythonRuntime {
  /** The client, connected to the external or the embedded runtime (and following its restarts). */
  readonly client: PythonRuntimeClient;
  /** The embedded runtime's current process, or `undefined` for an external runtime. */
  readonly embedded: PythonRuntimeProcess | undefined;
  /**
   * Whether calls can be taken now. An embedded runtime is unavailable while it restarts and
   * after it went down for good; an external one from a call that found it unreachable until
   * a health probe (at most one a second, while someone asks) is answered again.
   */
  readonly availability: PythonRuntimeAvailability;
  /** Closes the client and stops the embedded runtime, if any. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to the Python runtime the way Blok configures it: the `nodesDir` option starts the
 * bundled runtime; otherwise `RUNTIME_PYTHON3_HOST`/`RUNTIME_PYTHON3_PORT` name an external one
 * (e.g. Blok's stock runtime); otherwise the bundled runtime is started on a free loopback port
 * with the nodes of `PYTHON_NODES_PATH`. A bundled runtime is supervised: restarted when it
 * exits or its event loop blocks (see {@link superviseBundledRuntime}).
 *
 * @param options - nodes directory, environment, wire, start, client and supervision settings.
 * @returns the client, the embedded process if one was started, availability and `close()`.
 * @throws {@link PythonRuntimeError} when none of the three is configured.
 * @throws RangeError when a `RUNTIME_PYTHON3_*` variable is malformed.
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
  const fromEnv = pythonWireFromEnv(env);
  const service = options.service ?? fromEnv.service;
  const maxMessageBytes = options.maxMessageBytes ?? fromEnv.maxMessageBytes;
  const wire = { ...(service === undefined ? {} : { service }), ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }) };
  const external = options.nodesDir === undefined ? pythonRuntimeFromEnv(env) : undefined;
  if (external) {
    const client = new PythonRuntimeClient({ ...options.client, ...wire, ...external });
    return { client, embedded: undefined, availability: watchExternalRuntime(client), close: async () => client.close() };
  }
  const nodesDir = options.nodesDir ?? env.PYTHON_NODES_PATH?.trim();
  if (!nodesDir) {
    throw new PythonRuntimeError(
      "No Python runtime configured: set RUNTIME_PYTHON3_HOST (and RUNTIME_PYTHON3_PORT) to use a running one, " +
        "or PYTHON_NODES_PATH to start the bundled runtime with the nodes of that directory",
    );
  }
  const supervised = await superviseBundledRuntime(
    { ...options.start, ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }), nodesDir },
    { ...options.client, ...wire },
    options.supervision,
  );
  return {
    client: supervised.client,
    get embedded() {
      return supervised.process;
    },
    availability: supervised,
    close: () => supervised.close(),
  };
}
