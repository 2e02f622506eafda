import type { Metadata } from "@grpc/grpc-js";

/** Trailing metadata key present on every reply of the bundled runtime. */
export const RUNTIME_METADATA_KEY = "blok-runtime";
/** Trailing metadata key present only on failures; its value is the exception class name. */
export const NODE_ERROR_METADATA_KEY = "blok-node-error";
/** Trailing metadata key holding the server-side time of the call in milliseconds. */
export const NODE_MS_METADATA_KEY = "blok-node-ms";

/** A failure read from a reply (the in-band `{error, stack, type?, code?, json?}` object). */
export interface NodeErrorReply {
  readonly message: string;
  readonly pythonType: string;
  readonly pythonStack: string;
  readonly code?: number;
  readonly json?: unknown;
}

/**
 * Tells whether a decoded reply is a node failure.
 *
 * With the bundled runtime the answer comes from trailing metadata and is exact: data that
 * merely looks like `{error, stack}` is still data. A reply without the `blok-runtime` key comes
 * from another server (e.g. Blok's stock Python runtime), which sends failures as ordinary data;
 * then two shapes are taken as failures: an object whose only keys are the strings `error` and
 * `stack` (a raised exception), and Blok's response object `{data, error, success: false,
 * contentType}` whose `error` is a GlobalError's dict (a node's `setError`: its message, code
 * and json are kept, as pythonType `GlobalError`).
 *
 * @param data - the decoded reply.
 * @param metadata - the call's trailing metadata.
 * @returns the failure, or `undefined` when the reply is data.
 */
export function readNodeErrorReply(data: unknown, metadata: Metadata): NodeErrorReply | undefined {
  const flag = firstString(metadata.get(NODE_ERROR_METADATA_KEY));
  const fromBundledRuntime = metadata.get(RUNTIME_METADATA_KEY).length > 0;
  const reply = isRecord(data) ? data : {};
  if (flag === undefined) {
    if (fromBundledRuntime) return undefined;
    const released = stockResponseError(data);
    if (released) return released;
    if (!isStockErrorShape(data)) return undefined;
  }
  const pythonStack = typeof reply.stack === "string" ? reply.stack : "";
  return {
    message: typeof reply.error === "string" ? reply.error : JSON.stringify(reply.error ?? data),
    pythonType: typeof reply.type === "string" ? reply.type : (flag ?? typeFromTraceback(pythonStack)),
    pythonStack,
    ...(typeof reply.code === "number" ? { code: reply.code } : {}),
    ...("json" in reply ? { json: reply.json } : {}),
  };
}

/**
 * Reads the server-side duration the bundled runtime reports.
 *
 * @param metadata - the call's trailing metadata.
 * @returns milliseconds, or `undefined` for servers that do not send it.
 */
export function readNodeMs(metadata: Metadata): number | undefined {
  const value = Number(firstString(metadata.get(NODE_MS_METADATA_KEY)));
  return Number.isFinite(value) ? value : undefined;
}

const STOCK_RESPONSE_KEYS = new Set(["data", "error", "success", "contentType"]);

/** The failure in Blok's `ResponseContext.to_dict()` reply, when it is one. */
function stockResponseError(data: unknown): NodeErrorReply | undefined {
  if (!isRecord(data) || data.success !== false || !isRecord(data.error)) return undefined;
  if (!Object.keys(data).every((key) => STOCK_RESPONSE_KEYS.has(key))) return undefined;
  const error = data.error;
  return {
    message: typeof error.message === "string" ? error.message : JSON.stringify(error.message ?? error),
    pythonType: "GlobalError",
    pythonStack: typeof error.stack === "string" ? error.stack : "",
    ...(typeof error.code === "number" ? { code: error.code } : {}),
    ...(error.json !== undefined && error.json !== null ? { json: error.json } : {}),
  };
}

function isStockErrorShape(data: unknown): boolean {
  if (!isRecord(data)) return false;
  const keys = Object.keys(data);
  return keys.length === 2 && typeof data.error === "string" && typeof data.stack === "string";
}

// The last line of a Python traceback is "<Type>: <message>" (or just "<Type>").
function typeFromTraceback(stack: string): string {
  const last = stack.trimEnd().split("\n").pop() ?? "";
  return /^([A-Za-z_][\w.]*)(?::|$)/.exec(last)?.[1] ?? "Exception";
}

function firstString(values: readonly (string | Buffer)[]): string | undefined {
  const [value] = values;
  return typeof value === "string" ? value : value?.toString("utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
