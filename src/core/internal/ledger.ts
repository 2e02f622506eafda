import type { ChildErrorEntry } from "../errors.js";
import type { ChildRecord, ChildStatus, ExecutionInfo } from "../executionInfo.js";
import { ChildCancelledError } from "../errors.js";
import { messageOf } from "./messageOf.js";

type Terminal = "succeeded" | "failed" | "timed_out" | "cancelled";

/** Status codes of the status column (0: not registered). */
const STATUS: readonly ChildStatus[] = [undefined as never, "queued", "running", "succeeded", "failed", "timed_out", "cancelled"];
const QUEUED = 1;
const RUNNING = 2;
const CODE: Readonly<Record<Terminal, number>> = { succeeded: 3, failed: 4, timed_out: 5, cancelled: 6 };

/** What only some children have: kept aside so that a child that simply succeeds costs no object. */
interface Extra {
  timing?: Record<string, number>;
  error?: unknown;
  message?: string;
  /** Set for a child cancelled before it started: its message and cause are built only when asked for. */
  notStartedBecause?: string;
}

function messageFor(name: string, extra: Extra | undefined): string | undefined {
  if (extra?.notStartedBecause === undefined) return extra?.message;
  return `Node ${name} was not started: ${extra.notStartedBecause}`;
}

/**
 * Per-child state in columns (typed arrays grown by doubling) rather than an object per child: a
 * trivial child's bookkeeping then allocates nothing, and a million children cost about 21 bytes
 * each plus their names.
 */
class Columns {
  status: Uint8Array;
  attempts: Uint32Array;
  /** Clock readings; NaN until the child starts / ends. */
  start: Float64Array;
  end: Float64Array;

  constructor(capacity: number) {
    this.status = new Uint8Array(capacity);
    this.attempts = new Uint32Array(capacity);
    this.start = new Float64Array(capacity).fill(Number.NaN);
    this.end = new Float64Array(capacity).fill(Number.NaN);
  }

  ensure(index: number): void {
    if (index < this.status.length) return;
    const capacity = Math.max(index + 1, this.status.length * 2);
    const grow = <A extends Uint8Array | Uint32Array | Float64Array>(old: A, fill: number): A => {
      const next = new (old.constructor as new (n: number) => A)(capacity);
      next.set(old);
      if (fill !== 0) next.fill(fill, old.length);
      return next;
    };
    this.status = grow(this.status, 0);
    this.attempts = grow(this.attempts, 0);
    this.start = grow(this.start, Number.NaN);
    this.end = grow(this.end, Number.NaN);
  }
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
  private readonly names: string[] = [];
  private readonly runtimes: (string | undefined)[] = [];
  private readonly columns: Columns;
  private readonly extras = new Map<number, Extra>();
  private readonly values: (T | null)[] = [];
  private readonly origin: number;
  /** The clock reading of the latest transition (see {@link snapshotAtTransition}). */
  private lastReading: number;
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
    this.lastReading = this.origin;
    // A hint sizes the columns once; it is only a hint, so a huge one does not allocate up front.
    this.columns = new Columns(Math.min(totalHint ?? 16, 1 << 16));
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
    this.columns.ensure(index);
    this.columns.status[index] = QUEUED;
    this.names[index] = name;
    if (runtime !== undefined) this.runtimes[index] = runtime;
    this.values[index] = null;
    this.registered++;
  }

  nameOf(index: number): string {
    return this.names[index]!;
  }

  /**
   * An attempt starts; the first one takes a slot.
   * @returns the clock reading of the start (a deadline is measured from it).
   */
  attemptStarted(index: number): number {
    const { status, attempts, start } = this.columns;
    const at = this.read();
    attempts[index]!++;
    if (status[index] !== QUEUED) return at;
    status[index] = RUNNING;
    start[index] = at;
    this.running++;
    if (this.running > this.peak) this.peak = this.running;
    return at;
  }

  retryScheduled(): void {
    this.retried++;
  }

  lateSettlement(): void {
    this.late++;
  }

  addTiming(index: number, timing: Readonly<Record<string, number>>): void {
    const extra = this.extra(index);
    const rounded: Record<string, number> = { ...extra.timing };
    for (const [key, value] of Object.entries(timing)) rounded[key] = ms(value);
    extra.timing = rounded;
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
    const { status } = this.columns;
    for (let index = 0; index < this.registered; index++) if (status[index] === RUNNING) out.push(index);
    return out;
  }

  attemptsOf(index: number): number {
    return this.columns.attempts[index]!;
  }

  /** The counters now. */
  snapshot(): ExecutionInfo {
    return this.snapshotAt(this.read());
  }

  /**
   * The counters as the latest transition (start, success, failure, cancellation) left them, timed
   * at that transition's clock reading: the snapshot an event about that transition carries,
   * without a second read of the clock.
   */
  snapshotAtTransition(): ExecutionInfo {
    return this.snapshotAt(this.lastReading);
  }

  private read(): number {
    this.lastReading = this.now();
    return this.lastReading;
  }

  private snapshotAt(reading: number): ExecutionInfo {
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
      duration_ms: ms(reading - this.origin),
    };
  }

  /** The snapshot with one record per child, for the end of the run. */
  finalInfo(): ExecutionInfo {
    const children: ChildRecord[] = new Array(this.registered);
    for (let index = 0; index < this.registered; index++) children[index] = this.record(index);
    return { ...this.snapshot(), children };
  }

  results(): (T | null)[] {
    // A hint larger than the real input leaves holes past the end; the final array has one slot per child.
    if (this.values.length !== this.registered) this.values.length = this.registered;
    return this.values;
  }

  /** One entry per child that did not succeed, in input order. */
  errors(): ChildErrorEntry[] {
    const out: ChildErrorEntry[] = [];
    const { status: codes, attempts } = this.columns;
    for (let index = 0; index < this.registered; index++) {
      const status = STATUS[codes[index]!]!;
      if (status !== "failed" && status !== "timed_out" && status !== "cancelled") continue;
      const name = this.names[index]!;
      const extra = this.extras.get(index);
      const item = { index, node: name, status, error: messageFor(name, extra) ?? "", attempts: attempts[index]! };
      const reason = extra?.notStartedBecause;
      Object.defineProperty(item, "cause", {
        enumerable: false,
        get: () => (reason === undefined ? extra?.error : new ChildCancelledError(name, index, reason, false)),
      });
      out.push(item);
    }
    return out;
  }

  private extra(index: number): Extra {
    let extra = this.extras.get(index);
    if (extra === undefined) {
      extra = {};
      this.extras.set(index, extra);
    }
    return extra;
  }

  private settle(index: number, status: Terminal, error?: unknown, notStartedBecause?: string): boolean {
    const codes = this.columns.status;
    const code = codes[index];
    if (code !== QUEUED && code !== RUNNING) return false;
    if (code === RUNNING) {
      this.running--;
      this.columns.end[index] = this.read();
    }
    codes[index] = CODE[status];
    if (notStartedBecause !== undefined) this.extra(index).notStartedBecause = notStartedBecause;
    else if (status !== "succeeded") {
      const extra = this.extra(index);
      extra.error = error;
      extra.message = messageOf(error);
    }
    return true;
  }

  private record(index: number): ChildRecord {
    const { status, attempts, start, end } = this.columns;
    const started = start[index]!;
    const ended = end[index]!;
    const name = this.names[index]!;
    // Built field by field: object spreads here were a tenth of a trivial run's cost at 10,000 children.
    const record: { -readonly [K in keyof ChildRecord]: ChildRecord[K] } = {
      index,
      name,
      status: STATUS[status[index]!]!,
      attempts: attempts[index]!,
      start_ms: Number.isNaN(started) ? null : ms(started - this.origin),
      duration_ms: Number.isNaN(started) || Number.isNaN(ended) ? null : ms(ended - started),
    };
    // Bounds and size checks first: reading past an array's end, or a Map, for every child of a
    // run where no child has a runtime label or an error is a measurable share of finalInfo.
    const runtime = index < this.runtimes.length ? this.runtimes[index] : undefined;
    if (runtime !== undefined) record.runtime = runtime;
    const extra = this.extras.size === 0 ? undefined : this.extras.get(index);
    if (extra?.timing !== undefined) record.timing = extra.timing;
    const error = messageFor(name, extra);
    if (error !== undefined) record.error = error;
    return record;
  }
}
