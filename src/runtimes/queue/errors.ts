/** The queue backend has no usable Redis address (none configured, or not a redis:// URL). */
export class QueueConfigError extends Error {
  override readonly name = "QueueConfigError";
}

/** Redis could not be reached, or stayed unreachable longer than the session tolerates. */
export class QueueConnectionError extends Error {
  override readonly name = "QueueConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A child attempt failed on a queue worker. The message is the worker-side error's message
 * (the same text the local backend reports), so `errors` read the same on both backends.
 */
export class RemoteChildError extends Error {
  override readonly name = "RemoteChildError";
  constructor(
    message: string,
    /** The child's display name (`name`, or `name[index]` in map mode). */
    readonly child: string,
    /** The BullMQ job that ran it. */
    readonly jobId: string,
  ) {
    super(message);
  }
}

/** A child's result is larger than `execution.queue.max_result_bytes`; it was rejected, never truncated. */
export class ResultTooLargeError extends Error {
  override readonly name = "ResultTooLargeError";
  constructor(
    readonly child: string,
    readonly container: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `Result of child '${child}' of parallel-execution step '${container}' is ${bytes} bytes of JSON, ` +
        `more than execution.queue.max_result_bytes (${limit} bytes); it was rejected, not truncated`,
    );
  }
}

/** A queued job of this run disappeared from Redis (a restart without persistence, a FLUSHALL...). */
export class QueueJobLostError extends Error {
  override readonly name = "QueueJobLostError";
}

/** A job's payload breaks the wire protocol (wrong version, shape, step type or node name); the worker refuses it. */
export class InvalidQueueJobError extends Error {
  override readonly name = "InvalidQueueJobError";
}

/**
 * A queue child waited longer than `execution.queue_timeout` for a worker to start it (no worker
 * serves the queue, or all are busy). Its job was removed from the queue.
 */
export class QueueWaitTimeoutError extends Error {
  override readonly name = "QueueWaitTimeoutError";
  constructor(
    readonly child: string,
    readonly container: string,
    readonly queue: string,
    readonly limitMs: number,
    /** The job had started once, and was waiting again after its worker died. */
    readonly recovered: boolean,
  ) {
    super(
      `Child '${child}' of parallel-execution step '${container}' waited ${limitMs} ms in queue '${queue}' ` +
        `${recovered ? "after its worker died " : ""}without a worker taking it (execution.queue_timeout); ` +
        "is a `blok-parallel worker` serving this queue?",
    );
  }
}
