/**
 * The contract between {@link WorkerPool} and `WorkerNode` (main thread) and
 * `thread/workerEntry.ts` (pool threads): what a task carries, including which context fields
 * cross ({@link threadContext}), and what comes back. Both sides import it.
 *
 * @module
 */

import type { Context } from "../../blok/index.js";
import { toPlain } from "../../ports/index.js";
import type { UncloneableValue } from "./thread/locateUncloneable.js";

/**
 * What a worker-isolated node sees of its context, the one list of context fields this wire
 * carries: the workflow's identity, the map-mode item and index, and (as Blok nodes read them)
 * the request body and the previous step's data. The rest (`vars`, `config`, `env`, the logger)
 * stays in the main thread: a 10 MB `ctx.vars` would otherwise be copied into every task. Map
 * what a node needs into its inputs.
 *
 * @param ctx the child's context
 * @returns plain data to clone into the thread as `TaskMessage.ctx`
 */
export function threadContext(ctx: Context): Record<string, unknown> {
  return toPlain(ctx, {
    id: ctx.id,
    workflow_name: ctx.workflow_name,
    workflow_path: ctx.workflow_path,
    request: { body: ctx.request?.body },
    response: { data: ctx.response?.data },
    ...("item" in ctx ? { item: ctx.item } : {}),
    ...(ctx.index === undefined ? {} : { index: ctx.index }),
  });
}

/** What the pool posts to a thread for one node call (structured-cloned by `postMessage`). */
export interface TaskMessage {
  /** `file:` URL of the node module. */
  readonly moduleUrl: string;
  /** Export holding the node; when absent, the default export, else the module if it exports `handle` (`nodeExport`). */
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
