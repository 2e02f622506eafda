import { WorkerRuntimeError } from "./WorkerRuntimeError.js";

/**
 * The task's `signal` fired (timeout or cancellation). A task still queued is dropped; a running
 * one has its thread terminated on the spot (a hard kill: no `finally`, no cleanup in the node)
 * and replaced, so nothing keeps running after this error. `cause` is the signal's reason.
 */
export class WorkerTaskAbortedError extends WorkerRuntimeError {
  override readonly name = "WorkerTaskAbortedError";

  /**
   * @param nodeName the child's name in the workflow
   * @param reason `signal.reason`
   */
  constructor(nodeName: string, reason: unknown) {
    super(nodeName, `Node "${nodeName}" was aborted in its worker thread: ${describe(reason)}`, { cause: reason });
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}
