import type { SchedulerLike, Subscription } from "rxjs";

/** What a deadline calls when it expires. */
export interface DeadlineTarget {
  onDeadline(): void;
}

/** One armed deadline; `cancel()` makes it a no-op (it leaves the queue lazily). */
export class Deadline {
  live = true;

  constructor(
    readonly due: number,
    readonly target: DeadlineTarget,
  ) {}

  cancel(): void {
    this.live = false;
  }
}

/**
 * Per-child timeouts of one run on a single timer. Every child of a run has the same timeout and
 * starts no earlier than the one before it, so deadlines arrive in order: a FIFO with one
 * scheduled action for its head replaces one timer per child (rxjs `timeout` arms and clears an
 * interval for every child, which was a large share of a trivial child's cost).
 *
 * A child that finishes only marks its deadline dead; dead deadlines are dropped from the head as
 * new ones arrive, so the queue holds about one window of children.
 */
export class DeadlineQueue {
  private queue: Deadline[] = [];
  private head = 0;
  private timer: Subscription | undefined;
  private timerDue = Number.POSITIVE_INFINITY;

  /**
   * @param scheduler - runs the timer.
   * @param now - the run's clock, in which deadlines are given (the scheduler's own clock on
   *   virtual time; any monotonic clock otherwise, as only differences are handed to the scheduler).
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly now: () => number,
  ) {}

  /**
   * Calls `target.onDeadline()` at `due` (a reading of the run's clock) unless the returned
   * deadline is cancelled first. The caller passes the reading it already took when the child
   * started: a clock read per child is a measurable share of a trivial child's cost.
   * @returns the deadline, to cancel.
   */
  add(due: number, target: DeadlineTarget): Deadline {
    const deadline = new Deadline(due, target);
    this.dropDead();
    this.queue.push(deadline);
    if (deadline.due < this.timerDue) this.arm();
    return deadline;
  }

  /** Cancels everything (the run ended). */
  dispose(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    this.queue = [];
    this.head = 0;
  }

  private dropDead(): void {
    while (this.head < this.queue.length && !this.queue[this.head]!.live) this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    this.dropDead();
    const next = this.queue[this.head];
    if (!next) return;
    this.timerDue = next.due;
    this.timer = this.scheduler.schedule(() => this.expire(), Math.max(0, next.due - this.now()));
  }

  private expire(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    const now = this.now();
    while (this.head < this.queue.length) {
      const deadline = this.queue[this.head]!;
      if (deadline.live && deadline.due > now) break;
      this.head++;
      if (deadline.live) {
        deadline.live = false;
        deadline.target.onDeadline();
      }
    }
    this.arm();
  }
}
