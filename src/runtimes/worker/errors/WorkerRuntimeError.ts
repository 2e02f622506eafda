/**
 * Base class of every error the worker runtime produces, so a caller can tell "this child failed
 * in a worker thread" with one `instanceof` and read which child it was.
 */
export abstract class WorkerRuntimeError extends Error {
  /** The runtime that ran the child, for messages and `execution_info`. */
  readonly runtime = "worker" as const;

  /**
   * @param nodeName the child's name in the workflow
   * @param message the full message, naming the child and the runtime
   * @param options `cause`: the underlying error or abort reason
   */
  constructor(
    readonly nodeName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
