import { WorkerRuntimeError } from "./WorkerRuntimeError.js";

/**
 * The pool was destroyed before the task could finish: either `run` was called after `destroy`,
 * or `destroy` terminated the thread running it or dropped it from the queue.
 */
export class WorkerPoolDestroyedError extends WorkerRuntimeError {
  override readonly name = "WorkerPoolDestroyedError";

  /** @param nodeName the child's name in the workflow */
  constructor(nodeName: string) {
    super(nodeName, `Cannot run node "${nodeName}" as its worker pool has been destroyed`);
  }
}
