import { asyncScheduler, interval, mergeMap, Subscription, tap, timer, type Subscriber } from "rxjs";
import { ChildCancelledError, ChildTimeoutError, type FailureReason, ParallelExecutionError } from "../errors.js";
import type { ChildEvent, ParallelEvent } from "../events.js";
import type { ExecutionOptions } from "../options.js";
import type { RunOptions } from "../runOptions.js";
import type { Child } from "../child.js";
import { ChildFeed, type ChildrenInput, IMMEDIATE_YIELD } from "./childFeed.js";
import { type ChildHooks, childPipeline, type ChildPolicy } from "./childPipeline.js";
import { DeadlineQueue } from "./deadlineQueue.js";
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
 * The window is the {@link ChildFeed}: it offers a child only when a slot is free, and `mergeMap`
 * subscribes each offered child at once (it never buffers, hence no concurrency argument).
 * Every outcome goes through the {@link Ledger}, which lets each child settle once. Stopping
 * (fail-fast, budget, global timeout, caller) marks running children cancelled, unsubscribes them
 * (their AbortSignals fire), records never-started ones as cancelled, and only then emits the
 * final event, so the last snapshot always balances.
 */
export function startRun<T>(
  subscriber: Subscriber<ParallelEvent<T>>,
  input: ChildrenInput<T>,
  options: ExecutionOptions,
  run: RunOptions,
): void {
  const scheduler = run.scheduler ?? asyncScheduler;
  // performance.now() is monotonic; a scheduler's now() is what virtual time needs.
  const now = run.scheduler ? () => scheduler.now() : () => performance.now();
  const slots = options.strategy === "sequential" ? 1 : options.max_concurrent;
  const totalHint = run.total ?? (Array.isArray(input) ? input.length : undefined);
  const ledger = new Ledger<T>(now, totalHint);
  // On real time, give timers and I/O a turn now and then (see FeedYield); virtual time needs no such help.
  const feed = new ChildFeed(input, slots, run.scheduler ? undefined : IMMEDIATE_YIELD);
  const perChildEvents = (run.progress ?? "events") === "events";
  const teardown = new Subscription();
  const work = new Subscription();
  teardown.add(work);
  let finished = false;
  let stopCause: StopCause | undefined;

  // The consumer unsubscribed: stop everything quietly (no final event, nobody is listening).
  // `close`, not `stop`: never-started children are not reported, so the input is not read.
  // Registered now rather than returned at the end: a consumer can leave while this function is
  // still starting the first children (e.g. `take(1)` on the events), and a teardown returned
  // at the end would only run after every synchronous child of the input had been run.
  subscriber.add(() => {
    if (finished) return;
    finished = true;
    feed.close();
    teardown.unsubscribe();
  });

  const childEvent = (type: ChildEvent["type"], index: number, attempt: number, error?: string, delayMs?: number) => {
    if (!perChildEvents || finished) return;
    // Built field by field (no spread of an options object): two events per child at 100,000 children.
    const event: { -readonly [K in keyof ChildEvent]: ChildEvent[K] } = { type, index, name: ledger.nameOf(index), attempt } as ChildEvent;
    if (error !== undefined) event.error = error;
    if (delayMs !== undefined) event.delay_ms = delayMs;
    // An event about a transition carries the snapshot timed at it (no second clock read).
    event.info = type === "retrying" || type === "late" ? ledger.snapshot() : ledger.snapshotAtTransition();
    subscriber.next(event);
  };

  const budgetExceeded = (): string | undefined => {
    const budget = options.tolerated_failures;
    if (budget === undefined) return undefined;
    let allowed = budget;
    if (typeof budget === "string") {
      if (!ledger.totalKnown) return undefined;
      allowed = Math.floor((ledger.total * Number.parseFloat(budget)) / 100);
    }
    if (ledger.failures <= (allowed as number)) return undefined;
    return `Failure budget exceeded: ${ledger.failures} of ${ledger.total} children failed (tolerated_failures: ${budget})`;
  };

  const finish = () => {
    if (finished) return;
    finished = true;
    teardown.unsubscribe();
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
  };

  const stop = (cause: StopCause) => {
    if (finished || stopCause) return;
    stopCause = cause;
    // Never-started children are reported up to the known total; a lazy input without a `total`
    // hint is not read further (it may be endless), so its unread children are not counted.
    const neverStarted = feed.stop(totalHint ?? 0);
    for (const index of ledger.runningIndexes()) {
      const error = new ChildCancelledError(ledger.nameOf(index), index, cause.message, true);
      if (ledger.cancel(index, error)) childEvent("cancelled", index, ledger.attemptsOf(index), error.message);
    }
    work.unsubscribe();
    for (const { index, child } of neverStarted) {
      ledger.register(index, child.name, child.runtime);
      ledger.cancelUnstarted(index, cause.message);
    }
    finish();
  };

  const onFailure = (index: number, error: unknown) => {
    const status = error instanceof ChildTimeoutError ? "timed_out" : "failed";
    if (!ledger.fail(index, error, status)) return;
    const message = messageOf(error);
    childEvent(status, index, ledger.attemptsOf(index), message);
    if (options.error_handling === "fail-fast") {
      const name = ledger.nameOf(index);
      stop({
        reason: status === "timed_out" ? "child_timed_out" : "child_failed",
        message: status === "timed_out" ? message : `Node ${name} failed: ${message}`,
        cause: error,
        child: { index, name },
      });
      return;
    }
    const exceeded = budgetExceeded();
    if (exceeded) stop({ reason: "failure_budget_exceeded", message: exceeded, cause: error });
  };

  const deadlines = new DeadlineQueue(scheduler, now);
  teardown.add(() => deadlines.dispose());
  const policy: ChildPolicy = { timeoutMs: options.timeout, retry: options.retry, scheduler, deadlines, random: run.random ?? Math.random };
  // One hooks object for the whole run (the child's index comes with each call): a trivial
  // child is cheap enough that seven closures per child were a measurable share of its cost.
  const hooks: ChildHooks<T> = {
    attemptStarted: (index, attempt) => {
      const at = ledger.attemptStarted(index);
      childEvent("started", index, attempt);
      return at;
    },
    retrying: (index, attempt, error, delayMs) => {
      ledger.retryScheduled();
      childEvent("retrying", index, attempt, messageOf(error), delayMs);
    },
    late: (index, attempt) => {
      if (finished) return;
      ledger.lateSettlement();
      childEvent("late", index, attempt);
    },
    reportTiming: (index, timing) => ledger.addTiming(index, timing),
    succeeded: (index, value) => {
      if (ledger.succeed(index, value)) childEvent("succeeded", index, ledger.attemptsOf(index));
    },
    failed: (index, error) => onFailure(index, error),
    released: () => feed.release(),
  };
  // mergeMap's index is the feed's: the n-th child offered is child n.
  const runChild = (child: Child<T>, index: number) => {
    ledger.register(index, child.name, child.runtime);
    return childPipeline(index, child, policy, hooks);
  };

  if (options.global_timeout !== undefined) {
    const ms = options.global_timeout;
    teardown.add(
      timer(ms, scheduler).subscribe(() =>
        stop({ reason: "global_timeout", message: `Parallel execution timed out after ${ms}ms (global_timeout)`, cause: undefined }),
      ),
    );
  }
  const { signal, progress } = run;
  if (signal) {
    const onAbort = () =>
      stop({
        reason: "cancelled",
        message: signal.reason === undefined ? "Parallel execution cancelled" : `Parallel execution cancelled: ${messageOf(signal.reason)}`,
        cause: signal.reason,
      });
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    teardown.add(() => signal.removeEventListener("abort", onAbort));
  }
  if (typeof progress === "object") {
    teardown.add(interval(progress.sample_ms, scheduler).subscribe(() => subscriber.next({ type: "progress", info: ledger.snapshot() })));
  }

  // The feed completes once the input is exhausted, which can be long before the last children
  // finish. From then on the total is exact, so a percentage budget that could not be checked
  // while the size of an iterator or Observable input was unknown is checked now, and on every
  // later failure (without this, such a run only failed after every child had finished).
  const inputDone = () => {
    ledger.markInputDone();
    const exceeded = budgetExceeded();
    if (exceeded) stop({ reason: "failure_budget_exceeded", message: exceeded, cause: undefined });
  };
  // If the run ends while this subscribe is still on the stack, `work` is already closed and
  // rxjs unsubscribes what is added to it at once.
  work.add(
    feed.offers.pipe(tap({ complete: inputDone }), mergeMap(runChild)).subscribe({
      // Every child has ended. The budget needs no check here: `inputDone` checked it when the
      // input ran out, and every failure since then was checked against the exact total.
      complete: finish,
      error: (error: unknown) => stop({ reason: "input_error", message: `Could not read the list of children: ${messageOf(error)}`, cause: error }),
    }),
  );
}
