import { checkNodeServiceName } from "./serviceNames.js";

/** Address of an already running Python runtime. */
export interface PythonRuntimeAddress {
  readonly host: string;
  readonly port: number;
}

/** Blok's default `SERVER_PORT` of its Python runtime, used when only the host is configured. */
export const DEFAULT_PYTHON_RUNTIME_PORT = 50051;

/**
 * Reads an external runtime's address from Blok's variables `RUNTIME_PYTHON3_HOST` and
 * `RUNTIME_PYTHON3_PORT` (default 50051, the stock server's port).
 *
 * @param env - environment to read; defaults to `process.env`.
 * @returns the address, or `undefined` when `RUNTIME_PYTHON3_HOST` is unset or empty (callers
 *   then start the bundled runtime, with nodes from `PYTHON_NODES_PATH`).
 * @throws RangeError when `RUNTIME_PYTHON3_PORT` is not a port number.
 * @example
 * ```ts
 * const external = pythonRuntimeFromEnv({ RUNTIME_PYTHON3_HOST: "py", RUNTIME_PYTHON3_PORT: "6000" });
 * // { host: "py", port: 6000 }
 * ```
 */
export function pythonRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): PythonRuntimeAddress | undefined {
  const host = env.RUNTIME_PYTHON3_HOST?.trim();
  if (!host) return undefined;
  const rawPort = env.RUNTIME_PYTHON3_PORT?.trim();
  if (!rawPort) return { host, port: DEFAULT_PYTHON_RUNTIME_PORT };
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) {
    throw new RangeError(
      `Cannot connect to the Python runtime as 'RUNTIME_PYTHON3_PORT' must be a port number (1-65535): received ${JSON.stringify(rawPort)}`,
    );
  }
  return { host, port };
}

/** Wire settings of the Python runtime, from flags or the environment. */
export interface PythonWireSettings {
  /** Full gRPC service name to call; unset: the released name with one fallback. */
  readonly service?: string;
  /** Largest request and reply, in bytes. */
  readonly maxMessageBytes?: number;
}

/**
 * Reads `RUNTIME_PYTHON3_SERVICE` (a full gRPC service name, e.g.
 * `nanoservice.workflow.v1.NodeService`) and `RUNTIME_PYTHON3_MAX_MESSAGE_MB` (whole MiB, at
 * least 1) for the client and the bundled runtime.
 *
 * @param env - environment to read; defaults to `process.env`.
 * @returns the settings present.
 * @throws RangeError naming the variable when a value is malformed.
 * @example
 * ```ts
 * pythonWireFromEnv({ RUNTIME_PYTHON3_MAX_MESSAGE_MB: "128" }); // { maxMessageBytes: 134217728 }
 * ```
 */
export function pythonWireFromEnv(env: NodeJS.ProcessEnv = process.env): PythonWireSettings {
  const service = env.RUNTIME_PYTHON3_SERVICE?.trim();
  const megabytes = env.RUNTIME_PYTHON3_MAX_MESSAGE_MB?.trim();
  return {
    ...(service ? { service: checkNodeServiceName(service, "RUNTIME_PYTHON3_SERVICE") } : {}),
    ...(megabytes ? { maxMessageBytes: maxMessageMbToBytes(megabytes, "RUNTIME_PYTHON3_MAX_MESSAGE_MB") } : {}),
  };
}

/**
 * Converts a message limit in MiB, as a setting gives it, to bytes.
 *
 * @param value - the raw setting: a whole number of MiB, 1 to 2047 (gRPC limits are 32-bit).
 * @param setting - the setting's name, for the error.
 * @throws RangeError naming the setting and the value.
 */
export function maxMessageMbToBytes(value: string | number, setting: string): number {
  const text = String(value).trim();
  const megabytes = Number(text);
  if (!/^\d+$/.test(text) || megabytes < 1 || megabytes > 2047) {
    throw new RangeError(`'${setting}' must be a whole number of MiB from 1 to 2047: received ${JSON.stringify(value)}`);
  }
  return megabytes * 1024 * 1024;
}
