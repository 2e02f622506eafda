import type { SerialisedError, WorkerTaskTiming } from "../protocol.js";
import { WorkerRuntimeError } from "./WorkerRuntimeError.js";

/** How a node failed in its thread. */
export type WorkerNodeFailure =
  /** The module could not be imported, or it has no usable handler. */
  | "load"
  /** `handle` threw or rejected. */
  | "thrown"
  /** `handle` returned `{ success: false, error }` (e.g. a `NodeBlokResponse` after `setError`). */
  | "returned";

/**
 * The node running in a worker thread failed by itself; the thread is healthy and stays in the
 * pool. The node's own error is `cause`, rebuilt with the `name`, `message`, `stack` (worker-side
 * frames) and `code` it had in the thread; `code` is also copied here because Blok turns it into
 * the HTTP status (`GlobalError.setCode`).
 *
 * @example
 * ```ts
 * try {
 *   await pool.run(task);
 * } catch (error) {
 *   if (error instanceof WorkerNodeError) console.log(error.kind, error.cause.name, error.code);
 * }
 * ```
 */
export class WorkerNodeError extends WorkerRuntimeError {
  override readonly name = "WorkerNodeError";
  declare readonly cause: Error & { code?: string | number };
  /** The node's `code` (or `GlobalError` `context.code`), if it had one. */
  readonly code: string | number | undefined;

  /**
   * @param nodeName the child's name in the workflow
   * @param kind how it failed
   * @param error the node's error as serialized by the thread
   * @param timing how long the task spent queued, starting and working before it failed
   */
  constructor(
    nodeName: string,
    readonly kind: WorkerNodeFailure,
    error: SerialisedError,
    readonly timing: WorkerTaskTiming,
  ) {
    super(nodeName, `${LEAD[kind](nodeName)}: ${error.name}: ${error.message}`, { cause: rebuild(error) });
    this.code = error.code;
  }
}

const LEAD: Record<WorkerNodeFailure, (nodeName: string) => string> = {
  load: (nodeName) => `Cannot load node "${nodeName}" in a worker thread`,
  thrown: (nodeName) => `Node "${nodeName}" failed in a worker thread`,
  returned: (nodeName) => `Node "${nodeName}" returned an error from a worker thread`,
};

function rebuild({ name, message, stack, code }: SerialisedError): Error & { code?: string | number } {
  const error: Error & { code?: string | number } = new Error(message);
  error.name = name;
  error.stack = stack ?? `${name}: ${message}`;
  if (code !== undefined) error.code = code;
  return error;
}
