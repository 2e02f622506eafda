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
