/**
 * The contract between {@link WorkerPool} (main thread) and `thread/worker-entry.cjs` (pool
 * threads). The entry is plain JS, so these types are the only written-down form of what it
 * receives and returns: change both sides together.
 *
 * @module
 */

import type { UncloneableValue } from "./thread/locate-uncloneable.cjs";

/** What the pool posts to a thread for one node call (structured-cloned by `postMessage`). */
export interface TaskMessage {
  /** `file:` URL of the node module. */
  readonly moduleUrl: string;
  /** Export holding the node; the default export (then a `handle` export) when absent. */
  readonly exportName: string | undefined;
  /** The node's name in the workflow. */
  readonly name: string;
  readonly ctx: unknown;
  readonly inputs: unknown;
  /** When `run` was called, in epoch ms (`performance.timeOrigin + performance.now()`). */
  readonly submittedAt: number;
}

/** How long a task spent in each phase, as measured by the thread that ran it. */
export interface WorkerTaskTiming {
  /** From `run()` to the thread receiving the task: waiting for a free thread, plus messaging. */
  readonly queue_ms: number;
  /**
   * Start-up cost: loading the node module on its first use in that thread, plus the thread's
   * own start when the thread was started while this task waited for it (its first task only).
   */
  readonly start_ms: number;
  /** The `handle(ctx, inputs)` call and reading its result. */
  readonly work_ms: number;
  /** Epoch ms at which `handle` was called (comparable across threads). */
  readonly started_at: number;
  /** Epoch ms at which `handle` settled. */
  readonly ended_at: number;
  /** `threadId` of the thread that ran the task. */
  readonly thread_id: number;
}

/** An error as it crosses back: the fields structured clone would lose (`name`, `code`) kept. */
export interface SerialisedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string | number;
}

/** What a thread sends back for every task it ran, v8-serialized and transferred. */
export type ResultEnvelope = { readonly timing: WorkerTaskTiming } & (
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      /** `load`: the module or its handler could not be loaded; `thrown` / `returned`: see WorkerNodeError. */
      readonly kind: "load" | "thrown" | "returned";
      readonly error: SerialisedError;
    }
  | { readonly ok: false; readonly kind: "clone"; readonly culprit: UncloneableValue }
);
