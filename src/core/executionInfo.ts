/** Where a child is in its life. The last four are terminal: a child reaches exactly one. */
export type ChildStatus = "queued" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled";

/** What the run knows about one child. Times are offsets from the start of the run, in ms. */
export interface ChildRecord {
  readonly index: number;
  readonly name: string;
  /** Which runtime ran it (e.g. `module`, `python3`, `worker`), when the child says so. */
  readonly runtime?: string;
  readonly status: ChildStatus;
  /** Attempts started (retries included); 0 if it never started. */
  readonly attempts: number;
  /** When the first attempt started; null if it never started. */
  readonly start_ms: number | null;
  /** From the first start to the terminal state; null if it never started. */
  readonly duration_ms: number | null;
  /** Extra timings the child reported (start-up vs work time, for instance). */
  readonly timing?: Readonly<Record<string, number>>;
  /** The error message for failed, timed-out and cancelled children. */
  readonly error?: string;
}

/**
 * A snapshot of a run. Live snapshots balance as
 * `completed + failed + running + queued = total`; the final one as `completed + failed = total`,
 * where `failed = errored + timed_out + cancelled`.
 */
export interface ExecutionInfo {
  /** Children known so far (the exact count once the input is exhausted). */
  readonly total: number;
  /** Children that succeeded. */
  readonly completed: number;
  /** Children that did not succeed: `errored + timed_out + cancelled`. */
  readonly failed: number;
  /** Children whose last attempt threw or errored. */
  readonly errored: number;
  /** Children whose last attempt ran past `timeout`. */
  readonly timed_out: number;
  /** Children stopped (or never started) because the run ended early. */
  readonly cancelled: number;
  /** Children holding a slot right now (running or waiting out a retry backoff). */
  readonly running: number;
  /** Children known but not started. */
  readonly queued: number;
  /** Retries scheduled so far. */
  readonly retried: number;
  /** Results or errors that arrived after their child had been stopped, and were dropped. */
  readonly late_settlements: number;
  /** The most children that ever held a slot at the same time, measured at real starts and ends. */
  readonly concurrent_peak: number;
  /** Time since the run started. */
  readonly duration_ms: number;
  /** Per-child records, in input order (final snapshot only). */
  readonly children?: readonly ChildRecord[];
}
