import type { ChildErrorEntry } from "../errors.js";
import type { ChildRecord, ChildStatus, ExecutionInfo } from "../executionInfo.js";
import { ChildCancelledError } from "../errors.js";
import { messageOf } from "./messageOf.js";

type Terminal = "succeeded" | "failed" | "timed_out" | "cancelled";

interface Entry {
  readonly index: number;
  readonly name: string;
  readonly runtime: string | undefined;
  status: ChildStatus;
  attempts: number;
  start: number | null;
  end: number | null;
  timing: Record<string, number> | undefined;
  error: unknown;
  message: string | undefined;
  /** Set for a child cancelled before it started: its message and cause are built only when asked for. */
  notStartedBecause: string | undefined;
}

function messageFor(entry: Entry): string | undefined {
  if (entry.notStartedBecause === undefined) return entry.message;
  return `Node ${entry.name} was not started: ${entry.notStartedBecause}`;
}

/** Durations keep microseconds, which is all a millisecond figure can honestly carry. */
const ms = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The single source of truth of a run: one entry per child and the counters derived from their
 * transitions. Every transition into a terminal state is guarded, so a child settles exactly once
 * and anything after that is refused (the caller counts it as late). Counters are maintained
 * incrementally so a snapshot costs O(1) however many children there are.
 */
export class Ledger<T> {
  private readonly entries: Entry[] = [];
  private readonly values: (T | null)[] = [];
  private readonly origin: number;
  // Children registered so far; with a total hint the snapshot's total can be ahead of it.
  private registered = 0;
  private inputDone = false;
  private completed = 0;
  private errored = 0;
  private timedOut = 0;
  private cancelled = 0;
  private running = 0;
  private retried = 0;
  private late = 0;
  private peak = 0;

  constructor(
    private readonly now: () => number,
    private readonly totalHint: number | undefined,
  ) {
    this.origin = now();
    if (totalHint !== undefined) this.values.length = totalHint;
  }

  /** Children known: the hint while the input is being read, the exact count once it is done. */
  get total(): number {
    return this.inputDone || this.totalHint === undefined ? this.registered : Math.max(this.registered, this.totalHint);
  }

  /** Whether `total` is final or comes from an upfront hint (so percentages can be taken of it). */
  get totalKnown(): boolean {
    return this.inputDone || this.totalHint !== undefined;
  }

  /** Failures that count against a failure budget: errors and timeouts, not cancellations. */
  get failures(): number {
    return this.errored + this.timedOut;
  }

  markInputDone(): void {
    this.inputDone = true;
  }

  register(index: number, name: string, runtime: string | undefined): void {
    this.entries[index] = { index, name, runtime, status: "queued", attempts: 0, start: null, end: null, timing: undefined, error: undefined, message: undefined, notStartedBecause: undefined };
    this.values[index] = null;
    this.registered++;
  }

  nameOf(index: number): string {
    return this.entries[index]!.name;
  }

  /** An attempt starts; the first one takes a slot. */
  attemptStarted(index: number): void {
    const entry = this.entries[index]!;
    entry.attempts++;
    if (entry.status !== "queued") return;
    entry.status = "running";
    entry.start = this.now();
    this.running++;
    if (this.running > this.peak) this.peak = this.running;
  }

  retryScheduled(): void {
    this.retried++;
  }

  lateSettlement(): void {
    this.late++;
  }

  addTiming(index: number, timing: Readonly<Record<string, number>>): void {
    const entry = this.entries[index]!;
    const rounded: Record<string, number> = { ...entry.timing };
    for (const [key, value] of Object.entries(timing)) rounded[key] = ms(value);
    entry.timing = rounded;
  }

  /** Records success; false if the child had already settled. */
  succeed(index: number, value: T): boolean {
    if (!this.settle(index, "succeeded")) return false;
    this.values[index] = value;
    this.completed++;
    return true;
  }

  /** Records a failure or timeout; false if the child had already settled. */
  fail(index: number, error: unknown, status: "failed" | "timed_out"): boolean {
    if (!this.settle(index, status, error)) return false;
    if (status === "failed") this.errored++;
    else this.timedOut++;
    return true;
  }

  /** Records a cancellation; false if the child had already settled. */
  cancel(index: number, error: unknown): boolean {
    if (!this.settle(index, "cancelled", error)) return false;
    this.cancelled++;
    return true;
  }

  /**
   * Records a child that never started because the run stopped. No error object is made here: a
   * stop can leave a million such children, and an Error per child (stack capture included) made
   * that stop take seconds; the message and the {@link ChildCancelledError} are built on demand.
   */
  cancelUnstarted(index: number, runStopReason: string): void {
    if (!this.settle(index, "cancelled", undefined, runStopReason)) return;
    this.cancelled++;
  }

  /** Indexes of the children holding a slot. */
  runningIndexes(): number[] {
    const out: number[] = [];
    for (const entry of this.entries) if (entry?.status === "running") out.push(entry.index);
    return out;
  }

  attemptsOf(index: number): number {
    return this.entries[index]!.attempts;
  }

  snapshot(): ExecutionInfo {
    const total = this.total;
    const failed = this.errored + this.timedOut + this.cancelled;
    return {
      total,
      completed: this.completed,
      failed,
      errored: this.errored,
      timed_out: this.timedOut,
      cancelled: this.cancelled,
      running: this.running,
      queued: Math.max(0, total - this.completed - failed - this.running),
      retried: this.retried,
      late_settlements: this.late,
      concurrent_peak: this.peak,
      duration_ms: ms(this.now() - this.origin),
    };
  }

  /** The snapshot with one record per child, for the end of the run. */
  finalInfo(): ExecutionInfo {
    return { ...this.snapshot(), children: this.entries.map((entry) => this.record(entry)) };
  }

  results(): (T | null)[] {
    // A hint larger than the real input leaves holes past the end; the final array has one slot per child.
    if (this.values.length !== this.registered) this.values.length = this.registered;
    return this.values;
  }

  /** One entry per child that did not succeed, in input order. */
  errors(): ChildErrorEntry[] {
    const out: ChildErrorEntry[] = [];
    for (const entry of this.entries) {
      if (entry.status !== "failed" && entry.status !== "timed_out" && entry.status !== "cancelled") continue;
      const item = { index: entry.index, node: entry.name, status: entry.status, error: messageFor(entry) ?? "", attempts: entry.attempts };
      const reason = entry.notStartedBecause;
      Object.defineProperty(item, "cause", {
        enumerable: false,
        get: () => (reason === undefined ? entry.error : new ChildCancelledError(entry.name, entry.index, reason, false)),
      });
      out.push(item);
    }
    return out;
  }

  private settle(index: number, status: Terminal, error?: unknown, notStartedBecause?: string): boolean {
    const entry = this.entries[index]!;
    if (entry.status !== "queued" && entry.status !== "running") return false;
    if (entry.status === "running") {
      this.running--;
      entry.end = this.now();
    }
    entry.status = status;
    if (notStartedBecause !== undefined) entry.notStartedBecause = notStartedBecause;
    else if (status !== "succeeded") {
      entry.error = error;
      entry.message = messageOf(error);
    }
    return true;
  }

  private record(entry: Entry): ChildRecord {
    // Built field by field: object spreads here were a tenth of a trivial run's cost at 10,000 children.
    const record: { -readonly [K in keyof ChildRecord]: ChildRecord[K] } = {
      index: entry.index,
      name: entry.name,
      status: entry.status,
      attempts: entry.attempts,
      start_ms: entry.start === null ? null : ms(entry.start - this.origin),
      duration_ms: entry.start === null || entry.end === null ? null : ms(entry.end - entry.start),
    };
    if (entry.runtime !== undefined) record.runtime = entry.runtime;
    if (entry.timing !== undefined) record.timing = entry.timing;
    const error = messageFor(entry);
    if (error !== undefined) record.error = error;
    return record;
  }

}
