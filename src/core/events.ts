import type { ChildErrorEntry, ParallelExecutionError } from "./errors.js";
import type { ExecutionInfo } from "./executionInfo.js";

/** A child lifecycle event. Every event carries the snapshot taken right after it. */
export interface ChildEvent {
  readonly type: "started" | "succeeded" | "failed" | "timed_out" | "retrying" | "cancelled" | "late";
  readonly index: number;
  readonly name: string;
  /** The attempt concerned (1 for the first try). */
  readonly attempt: number;
  /** Error message, for `failed`, `timed_out`, `retrying` and `cancelled`. */
  readonly error?: string;
  /** Backoff before the next attempt, for `retrying`. */
  readonly delay_ms?: number;
  readonly info: ExecutionInfo;
}

/** A periodic snapshot, emitted instead of child events when progress is sampled. */
export interface ProgressEvent {
  readonly type: "progress";
  readonly info: ExecutionInfo;
}

/** What a successful run produces. */
export interface ParallelResult<T> {
  /** One slot per child, in input order; `null` where the child failed (continue-partial). */
  readonly results: (T | null)[];
  /** Present when any child failed (continue-partial only). */
  readonly errors?: ChildErrorEntry[];
  readonly execution_info: ExecutionInfo;
}

/** The last event of every run that was not unsubscribed. Its `info` balances and has `children`. */
export type FinishedEvent<T> =
  | { readonly type: "finished"; readonly outcome: "succeeded"; readonly result: ParallelResult<T>; readonly info: ExecutionInfo }
  | { readonly type: "finished"; readonly outcome: "failed"; readonly error: ParallelExecutionError<T>; readonly info: ExecutionInfo };

/** Everything a run emits. */
export type ParallelEvent<T> = ChildEvent | ProgressEvent | FinishedEvent<T>;
