import { WorkerRuntimeError } from "./WorkerRuntimeError.js";

/**
 * The node allocated past its thread's heap cap (the pool's `maxHeapMb`; CLI `--worker-heap-mb`):
 * V8 stopped the thread (`ERR_WORKER_OUT_OF_MEMORY`). Only this task fails; the host's own heap
 * was never at stake, and the pool starts another thread for the next task.
 */
export class WorkerHeapLimitError extends WorkerRuntimeError {
  override readonly name = "WorkerHeapLimitError";

  /**
   * @param nodeName the child's name in the workflow
   * @param limitMb the cap the node exceeded
   * @param cause the thread's out-of-memory error
   */
  constructor(
    nodeName: string,
    readonly limitMb: number,
    cause: unknown,
  ) {
    super(nodeName, `Worker thread running node "${nodeName}" exceeded its ${limitMb} MB heap limit (raise it with --worker-heap-mb or the pool's maxHeapMb)`, {
      cause,
    });
  }
}
