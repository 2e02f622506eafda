/** What a queue worker reports to its `onEvent` listener. */
export type QueueWorkerEvent =
  | { readonly type: "ready"; readonly worker: string; readonly queue: string; readonly url: string; readonly concurrency: number }
  | { readonly type: "started" | "completed"; readonly job: string; readonly child: string; readonly container: string; readonly ms?: number }
  | { readonly type: "failed"; readonly job: string; readonly child: string; readonly container: string; readonly message: string; readonly ms?: number }
  | { readonly type: "cancelled" | "returned"; readonly job: string; readonly child: string; readonly container: string }
  | { readonly type: "refused"; readonly job: string; readonly message: string }
  | { readonly type: "stalled"; readonly job: string }
  /** This worker's lock on a running job was taken away (presumed dead, e.g. cut off from Redis): another worker runs it too. */
  | { readonly type: "lost"; readonly job: string; readonly child: string; readonly container: string }
  /** A job whose lock was taken away finished here: its result was handed to the producer as a late result (it keeps the first). */
  | { readonly type: "superseded"; readonly job: string; readonly child: string; readonly container: string }
  | { readonly type: "closing"; readonly running: number; readonly graceMs: number }
  | { readonly type: "error"; readonly message: string };
