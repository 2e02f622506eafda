import { from, Observable, type SchedulerLike, type Subscriber, type Subscription, type Unsubscribable } from "rxjs";
import { retryDelay } from "../backoff.js";
import { ASYNC_WORK, type AsyncWork, type Attempt, type Child, withAttempt } from "../child.js";
import { ChildTimeoutError } from "../errors.js";
import type { RetryPolicy } from "../options.js";
import type { Deadline, DeadlineQueue, DeadlineTarget } from "./deadlineQueue.js";
import { type AbortableHandlers, type AbortableWork, runAbortable } from "./runAbortable.js";

/** What the child pipeline tells the run about its children (each call names the child by index). */
export interface ChildHooks<T> {
  /** Returns the run clock's reading at the start (per-child deadlines are measured from it). */
  attemptStarted(index: number, attempt: number): number;
  retrying(index: number, attempt: number, error: unknown, delayMs: number): void;
  late(index: number, attempt: number, outcome: "value" | "error"): void;
  reportTiming(index: number, timing: Readonly<Record<string, number>>): void;
  succeeded(index: number, value: T): void;
  failed(index: number, error: unknown): void;
  /** Runs on every ending (success, failure, unsubscription), after the outcome was reported. */
  released(index: number): void;
}

/** How each child is run. */
export interface ChildPolicy {
  readonly timeoutMs: number | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly scheduler: SchedulerLike;
  /** The run's timer for per-child timeouts (one timer for all children, see DeadlineQueue). */
  readonly deadlines: DeadlineQueue;
  readonly random: () => number;
}

/**
 * One child as an Observable that never emits. Each attempt subscribes to `child.run(attempt)`;
 * its first value (or its completion, giving `undefined`) is the result, and the attempt is then
 * unsubscribed. An attempt still running `timeoutMs` after it started is unsubscribed (so its
 * AbortSignal fires) and fails with {@link ChildTimeoutError}. A failed attempt is retried after
 * its backoff while the child keeps its slot. The outcome goes to `hooks`; the Observable itself
 * always completes quietly, so a failure stays local to its child unless the run decides otherwise.
 *
 * Intentionally one hand-written subscriber instead of `defer`, `take(1)`, `timeout` and `retry`:
 * those four layers (and a timer per child) were most of a trivial child's cost, and this is
 * what every child of every run pays.
 */
export function childPipeline<T>(index: number, child: Child<T>, policy: ChildPolicy, hooks: ChildHooks<T>): Observable<never> {
  return new Observable<never>((subscriber) => new ChildRun(index, child, policy, hooks, subscriber).start());
}

/**
 * The state of one subscribed child. Its callbacks are methods (it is the observer of an
 * attempt, the handler of direct work, the target of its deadline, and the teardown of its
 * subscription), so a child costs one object rather than a dozen closures.
 */
class ChildRun<T> implements AbortableHandlers<T>, DeadlineTarget {
  private attemptNumber = 0;
  /** Whether the current attempt has settled; stale callbacks of an ended attempt are ignored. */
  private attemptSettled = false;
  // The running attempt (direct work or a subscription), its deadline, a pending retry: at most one each.
  private work: AbortableWork | undefined;
  private subscription: Subscription | undefined;
  private deadline: Deadline | undefined;
  private pendingRetry: Subscription | undefined;

  constructor(
    private readonly index: number,
    private readonly child: Child<T>,
    private readonly policy: ChildPolicy,
    private readonly hooks: ChildHooks<T>,
    private readonly subscriber: Subscriber<never>,
  ) {}

  /** Starts the first attempt; returns the teardown of the child's subscription. */
  start(): Unsubscribable {
    this.startAttempt();
    return this;
  }

  /** The child's subscription ends (settled, or stopped by the run). */
  unsubscribe(): void {
    this.deadline?.cancel();
    this.pendingRetry?.unsubscribe();
    this.stopAttempt();
    this.hooks.released(this.index);
  }

  /** An attempt's result: the first value of its Observable, or what its direct work resolved to. */
  next(value: T): void {
    this.settle(true, value);
  }

  /** Observer of an attempt: completing without a value gives `undefined`. */
  complete(): void {
    this.settle(true, undefined as T);
  }

  error(error: unknown): void {
    this.settle(false, error);
  }

  late(outcome: "value" | "error", attempt: number): void {
    this.hooks.late(this.index, attempt, outcome);
  }

  onDeadline(): void {
    this.settle(false, new ChildTimeoutError(this.child.name, this.index, this.policy.timeoutMs!));
  }

  private startAttempt(): void {
    const { index, child, policy, hooks } = this;
    this.pendingRetry = undefined;
    this.attemptSettled = false;
    const number = ++this.attemptNumber;
    const startedAt = hooks.attemptStarted(index, number);
    if (policy.timeoutMs !== undefined) this.deadline = policy.deadlines.add(startedAt + policy.timeoutMs, this);
    const direct = (child as { [ASYNC_WORK]?: AsyncWork<T> })[ASYNC_WORK];
    if (direct) {
      // The attempt object (and its closures) only for a function that declares it.
      const work = runAbortable(withAttempt(direct, direct.params >= 2 ? this.attempt(number) : undefined), this, number, direct.params > 0);
      if (!this.attemptSettled) this.work = work;
      return;
    }
    let subscription: Subscription;
    try {
      subscription = from(child.run(this.attempt(number))).subscribe(this);
    } catch (error) {
      this.settle(false, error);
      return;
    }
    // An attempt that settled while being subscribed is already done; otherwise keep it to stop it later.
    if (this.attemptSettled) subscription.unsubscribe();
    else this.subscription = subscription;
  }

  private attempt(number: number): Attempt {
    const { index, child, hooks } = this;
    return {
      index,
      name: child.name,
      number,
      late: (outcome) => hooks.late(index, number, outcome),
      reportTiming: (timing) => hooks.reportTiming(index, timing),
    };
  }

  private stopAttempt(): void {
    const { work, subscription } = this;
    this.work = undefined;
    this.subscription = undefined;
    work?.stop();
    subscription?.unsubscribe();
  }

  private settle(ok: boolean, outcome: unknown): void {
    if (this.attemptSettled) return;
    this.attemptSettled = true;
    this.deadline?.cancel();
    this.deadline = undefined;
    this.stopAttempt();
    const { index, hooks, policy, attemptNumber } = this;
    if (ok) {
      hooks.succeeded(index, outcome as T);
      this.subscriber.complete();
    } else if (attemptNumber < (policy.retry?.attempts ?? 1)) {
      const delayMs = retryDelay(policy.retry!, attemptNumber, policy.random);
      hooks.retrying(index, attemptNumber, outcome, delayMs);
      // A closure only here: a bound method kept on every child would cost one per child.
      this.pendingRetry = policy.scheduler.schedule(() => this.startAttempt(), delayMs);
    } else {
      hooks.failed(index, outcome);
      this.subscriber.complete();
    }
  }
}
