import type { SerialisedError, WorkerTaskTiming } from "./protocol.js";
import type { UncloneableValue } from "./thread/locateUncloneable.js";

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

/** How a node failed in its thread. */
export type WorkerNodeFailure =
  /** The module could not be imported, or its export is not a node (`toNodeBase`). */
  | "load"
  /** `handle` threw or rejected, or the inputs failed the node's `inputSchema`. */
  | "thrown"
  /** `handle` returned a response whose `error` is set (a `NodeBlokResponse` after `setError`, `{ success, error }`). */
  | "returned";

/**
 * The node running in a worker thread failed by itself; the thread is healthy and stays in the
 * pool. The node's own error is `cause`, rebuilt with the `name`, `message`, `stack` (worker-side
 * frames) and `code` it had in the thread; `code` is also copied here because Blok turns it into
 * the HTTP status (`GlobalError.setCode`).
 *
 * @example
 * ```ts fragment
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
    super(nodeName, `Worker thread running node "${nodeName}" crashed: ${describeCrash(cause)}`, { cause });
  }
}

function describeCrash(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  // A thread can die of a value Node cannot serialize for the 'error' event; it then arrives empty.
  return typeof cause === "string" && cause !== "" ? cause : "the thread stopped with no error message";
}

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
    super(nodeName, `Node "${nodeName}" was aborted in its worker thread: ${describeAbort(reason)}`, { cause: reason });
  }
}

function describeAbort(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}

/** `input`: the context or inputs sent to the thread; `result`: what the node returned. */
export type CloneDirection = "input" | "result";

/**
 * A value could not cross the thread boundary. Context and inputs travel by structured clone,
 * results by the same V8 serializer: plain data only. The message names the offending path and,
 * when it sits inside a class instance (a socket, a logger), that instance too.
 */
export class WorkerCloneError extends WorkerRuntimeError {
  override readonly name = "WorkerCloneError";

  /**
   * @param nodeName the child's name in the workflow
   * @param direction which way the value was going
   * @param culprit where it failed, as found by `locateUncloneable`
   * @param cause the serializer's own error (inputs: the `DataCloneError` from `postMessage`)
   * @param timing for a result: how long the node ran before its result failed to cross
   */
  constructor(
    nodeName: string,
    readonly direction: CloneDirection,
    readonly culprit: UncloneableValue,
    cause?: unknown,
    readonly timing?: WorkerTaskTiming,
  ) {
    const inside = culprit.owner === undefined ? "" : ` (inside ${culprit.owner.what} at ${culprit.owner.path})`;
    super(
      nodeName,
      `${CLONE_LEAD[direction](nodeName)}: ${culprit.path} is ${culprit.what}${inside}; only structured-cloneable data can cross a thread boundary (no functions, symbols, promises, sockets or other live handles; class instances arrive as plain objects)`,
      cause === undefined ? undefined : { cause },
    );
  }
}

const CLONE_LEAD: Record<CloneDirection, (nodeName: string) => string> = {
  input: (nodeName) => `Cannot send the context and inputs of node "${nodeName}" to a worker thread`,
  result: (nodeName) => `Cannot return the result of node "${nodeName}" from its worker thread`,
};

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

/**
 * The worker-thread entry itself cannot load (a broken install or build): piscina would leave
 * every task waiting for a thread that never starts, so the pool refuses to start instead.
 */
export class WorkerEntryLoadError extends Error {
  override readonly name = "WorkerEntryLoadError";

  /**
   * @param file the entry that failed to load
   * @param cause what loading it threw
   */
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`The worker-thread entry ${file} cannot be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
