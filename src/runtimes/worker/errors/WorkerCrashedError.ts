import { WorkerRuntimeError } from "./WorkerRuntimeError.js";

/**
 * The thread running the node died: the node called `process.exit`, or an error escaped it
 * asynchronously (a throwing timer). Running past the heap cap is a `WorkerHeapLimitError`
 * instead. Only this task fails; the pool drops the thread and starts another when needed.
 *
 * `cause` is what the thread died of, as piscina reported it (e.g. `worker exited with code: 3`,
 * or the escaped error itself).
 */
export class WorkerCrashedError extends WorkerRuntimeError {
  override readonly name = "WorkerCrashedError";

  /**
   * @param nodeName the child's name in the workflow
   * @param cause what the thread died of
   */
  constructor(nodeName: string, cause: unknown) {
    super(nodeName, `Worker thread running node "${nodeName}" crashed: ${describe(cause)}`, { cause });
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  // A thread can die of a value Node cannot serialize for the 'error' event; it then arrives empty.
  return typeof cause === "string" && cause !== "" ? cause : "the thread stopped with no error message";
}
