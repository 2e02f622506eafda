import { asyncScheduler, interval, mergeMap, type Observable, type SchedulerLike, Subscription, tap, timer, type Subscriber } from "rxjs";
import { ChildCancelledError, ChildTimeoutError, type FailureReason, ParallelExecutionError } from "../errors.js";
import type { ChildEvent, ParallelEvent } from "../events.js";
import type { ExecutionOptions } from "../options.js";
import type { RunOptions } from "../runOptions.js";
import type { Child } from "../child.js";
import { ChildFeed, type ChildrenInput, IMMEDIATE_YIELD } from "./childFeed.js";
import { type ChildHooks, childPipeline, type ChildPolicy } from "./childPipeline.js";
import { DeadlineQueue } from "./deadlineQueue.js";
import { budgetExceeded } from "./failureBudget.js";
import { Ledger } from "./ledger.js";
import { messageOf } from "./messageOf.js";

/** Why a run is being stopped early. */
interface StopCause {
  readonly reason: FailureReason;
  readonly message: string;
  readonly cause: unknown;
  readonly child?: { readonly index: number; readonly name: string };
}

/**
 * Runs one execution into `subscriber`: the subscribe function behind {@link parallel}.
 *
 * @param options - options already validated (and filled) by a schema of `options.ts`.
 */
export function startRun<T>(subscriber: Subscriber<ParallelEvent<T>>, input: ChildrenInput<T>, options: ExecutionOptions, run: RunOptions): void {
  new Run(subscriber, input, options, run).start();
}

/**
 * One execution. The window is the {@link ChildFeed}: it offers a child only when a slot is free,
 * and `mergeMap` subscribes each offered child at once (it never buffers, hence no concurrency
 * argument). Every outcome goes through the {@link Ledger}, which lets each child settle once.
 * Stopping (fail-fast, budget, global timeout, caller) marks running children cancelled,
 * unsubscribes them (their AbortSignals fire), records never-started ones as cancelled, and only
 * then emits the final event, so the last snapshot always balances.
 *
 * Like `ChildRun`, the run is one object whose methods are its callbacks: it is the hooks object
 * of every child pipeline (the child's index comes with each call), since a trivial child is cheap
 * enough that seven closures per child were a measurable share of its cost.
 */
class Run<T> implements ChildHooks<T> {
  private readonly scheduler: SchedulerLike;
  private readonly ledger: Ledger<T>;
  private readonly feed: ChildFeed<T>;
  /** The input's size when known up front (an array, or the caller's `total` hint). */
  private readonly totalHint: number | undefined;
  private readonly perChildEvents: boolean;
  private readonly policy: ChildPolicy;
  /** Everything the run holds (timers, listeners, the deadline queue), `work` included. */
  private readonly teardown = new Subscription();
  /** The subscription to the merged children: ending it unsubscribes every running child. */
  private readonly work = new Subscription();
  /** Set once: no event is emitted after it (the final event was sent, or nobody listens any more). */
  private finished = false;
  private stopCause: StopCause | undefined;

  constructor(
    private readonly subscriber: Subscriber<ParallelEvent<T>>,
    input: ChildrenInput<T>,
    private readonly options: ExecutionOptions,
    private readonly run: RunOptions,
  ) {
    const scheduler = (this.scheduler = run.scheduler ?? asyncScheduler);
    // performance.now() is monotonic; a scheduler's now() is what virtual time needs.
    const now = run.scheduler ? () => scheduler.now() : () => performance.now();
    this.totalHint = run.total ?? (Array.isArray(input) ? input.length : undefined);
    this.ledger = new Ledger<T>(now, this.totalHint);
    const slots = options.strategy === "sequential" ? 1 : options.max_concurrent;
    // On real time, give timers and I/O a turn now and then (see FeedYield); virtual time needs no such help.
    this.feed = new ChildFeed(input, slots, run.scheduler ? undefined : IMMEDIATE_YIELD);
    this.perChildEvents = (run.progress ?? "events") === "events";
    const deadlines = new DeadlineQueue(scheduler, now);
    this.policy = { timeoutMs: options.timeout, retry: options.retry, scheduler, deadlines, random: run.random ?? Math.random };
    this.teardown.add(this.work);
    this.teardown.add(() => deadlines.dispose());
  }

  /** Arms the run's timers and listeners, then starts reading the input. */
  start(): void {
    // Registered first rather than returned at the end: a consumer can leave while the first
    // children are still being started (e.g. `take(1)` on the events), and a teardown returned at
    // the end would only run after every synchronous child of the input had been run.
    this.subscriber.add(() => this.consumerLeft());
    this.armGlobalTimeout();
    if (!this.listenToSignal()) return;
    this.sampleProgress();
    // If the run ends while this subscribe is still on the stack, `work` is already closed and
    // rxjs unsubscribes what is added to it at once.
    this.work.add(
      this.feed.offers
        .pipe(
          tap({ complete: () => this.inputDone() }),
          // mergeMap's index is the feed's: the n-th child offered is child n.
          mergeMap((child, index) => this.runChild(child, index)),
        )
        .subscribe({
          // Every child has ended. The budget needs no check here: `inputDone` checked it when the
          // input ran out, and every failure since then was checked against the exact total.
          complete: () => this.finish(),
          error: (error: unknown) => this.stop({ reason: "input_error", message: `Could not read the list of children: ${messageOf(error)}`, cause: error }),
        }),
    );
  }

  // ---- ChildHooks: what the child pipelines report ----

  attemptStarted(index: number, attempt: number): number {
    const at = this.ledger.attemptStarted(index);
    this.childEvent("started", index, attempt);
    return at;
  }

  retrying(index: number, attempt: number, error: unknown, delayMs: number): void {
    this.ledger.retryScheduled();
    this.childEvent("retrying", index, attempt, messageOf(error), delayMs);
  }

  late(index: number, attempt: number): void {
    if (this.finished) return;
    this.ledger.lateSettlement();
    this.childEvent("late", index, attempt);
  }

  reportTiming(index: number, timing: Readonly<Record<string, number>>): void {
    this.ledger.addTiming(index, timing);
  }

  succeeded(index: number, value: T): void {
    if (this.ledger.succeed(index, value)) this.childEvent("succeeded", index, this.ledger.attemptsOf(index));
  }

  /** A child failed for good (its retries spent): fail-fast stops the run, continue-partial checks the budget. */
  failed(index: number, error: unknown): void {
    const { ledger } = this;
    const status = error instanceof ChildTimeoutError ? "timed_out" : "failed";
    if (!ledger.fail(index, error, status)) return;
    const message = messageOf(error);
    this.childEvent(status, index, ledger.attemptsOf(index), message);
    if (this.options.error_handling === "fail-fast") {
      const name = ledger.nameOf(index);
      const timedOut = status === "timed_out";
      this.stop({ reason: timedOut ? "child_timed_out" : "child_failed", message: timedOut ? message : `Node ${name} failed: ${message}`, cause: error, child: { index, name } });
      return;
    }
    const exceeded = budgetExceeded(this.options.tolerated_failures, ledger);
    if (exceeded) this.stop({ reason: "failure_budget_exceeded", message: exceeded, cause: error });
  }

  released(): void {
    this.feed.release();
  }

  // ---- the run's own steps ----

  private runChild(child: Child<T>, index: number): Observable<never> {
    this.ledger.register(index, child.name, child.runtime);
    return childPipeline(index, child, this.policy, this);
  }

  private childEvent(type: ChildEvent["type"], index: number, attempt: number, error?: string, delayMs?: number): void {
    if (!this.perChildEvents || this.finished) return;
    const { ledger } = this;
    // Built field by field (no spread of an options object): two events per child at 100,000 children.
    const event: { -readonly [K in keyof ChildEvent]: ChildEvent[K] } = { type, index, name: ledger.nameOf(index), attempt } as ChildEvent;
    if (error !== undefined) event.error = error;
    if (delayMs !== undefined) event.delay_ms = delayMs;
    // An event about a transition carries the snapshot timed at it (no second clock read).
    event.info = type === "retrying" || type === "late" ? ledger.snapshot() : ledger.snapshotAtTransition();
    this.subscriber.next(event);
  }

  /**
   * The feed completes once the input is exhausted, which can be long before the last children
   * finish. From then on the total is exact, so a percentage budget that could not be checked
   * while the size of an iterator or Observable input was unknown is checked now, and on every
   * later failure (without this, such a run only failed after every child had finished).
   */
  private inputDone(): void {
    this.ledger.markInputDone();
    const exceeded = budgetExceeded(this.options.tolerated_failures, this.ledger);
    if (exceeded) this.stop({ reason: "failure_budget_exceeded", message: exceeded, cause: undefined });
  }

  private armGlobalTimeout(): void {
    const ms = this.options.global_timeout;
    if (ms === undefined) return;
    const stop = () => this.stop({ reason: "global_timeout", message: `Parallel execution timed out after ${ms}ms (global_timeout)`, cause: undefined });
    this.teardown.add(timer(ms, this.scheduler).subscribe(stop));
  }

  /** Follows the caller's signal; returns false when it was already aborted (the run is then over). */
  private listenToSignal(): boolean {
    const { signal } = this.run;
    if (!signal) return true;
    const onAbort = () =>
      this.stop({
        reason: "cancelled",
        message: signal.reason === undefined ? "Parallel execution cancelled" : `Parallel execution cancelled: ${messageOf(signal.reason)}`,
        cause: signal.reason,
      });
    if (signal.aborted) {
      onAbort();
      return false;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    this.teardown.add(() => signal.removeEventListener("abort", onAbort));
    return true;
  }

  private sampleProgress(): void {
    const { progress } = this.run;
    if (typeof progress !== "object") return;
    this.teardown.add(interval(progress.sample_ms, this.scheduler).subscribe(() => this.subscriber.next({ type: "progress", info: this.ledger.snapshot() })));
  }

  /**
   * The consumer unsubscribed: stop everything quietly (no final event, nobody is listening).
   * `close`, not `stop`: never-started children are not reported, so the input is not read.
   */
  private consumerLeft(): void {
    if (this.finished) return;
    this.finished = true;
    this.feed.close();
    this.teardown.unsubscribe();
  }

  private stop(cause: StopCause): void {
    if (this.finished || this.stopCause) return;
    this.stopCause = cause;
    const { ledger } = this;
    // Never-started children are reported up to the known total; a lazy input without a `total`
    // hint is not read further (it may be endless), so its unread children are not counted.
    const neverStarted = this.feed.stop(this.totalHint ?? 0);
    for (const index of ledger.runningIndexes()) {
      const error = new ChildCancelledError(ledger.nameOf(index), index, cause.message, true);
      if (ledger.cancel(index, error)) this.childEvent("cancelled", index, ledger.attemptsOf(index), error.message);
    }
    this.work.unsubscribe();
    for (const { index, child } of neverStarted) {
      ledger.register(index, child.name, child.runtime);
      ledger.cancelUnstarted(index, cause.message);
    }
    this.finish();
  }

  /** Emits the final event (once), after everything the run held was released. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.teardown.unsubscribe();
    const { ledger, subscriber, stopCause } = this;
    ledger.markInputDone();
    const info = ledger.finalInfo();
    const results = ledger.results();
    const errors = ledger.errors();
    if (stopCause) {
      const { message, reason, child, cause } = stopCause;
      const error = new ParallelExecutionError<T>(message, reason, info, results, errors, child, { cause });
      subscriber.next({ type: "finished", outcome: "failed", error, info });
    } else {
      subscriber.next({ type: "finished", outcome: "succeeded", info, result: { results, ...(errors.length ? { errors } : {}), execution_info: info } });
    }
    subscriber.complete();
  }
}
