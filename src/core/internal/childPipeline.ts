import { from, Observable, type SchedulerLike, type Subscription } from "rxjs";
import { retryDelay } from "../backoff.js";
import { ASYNC_WORK, type AsyncWork, type Attempt, type Child } from "../child.js";
import { ChildTimeoutError } from "../errors.js";
import type { RetryPolicy } from "../options.js";
import type { DeadlineQueue } from "./deadlineQueue.js";
import { runAbortable } from "./runAbortable.js";

/** What the child pipeline tells the run about its children (each call names the child by index). */
export interface ChildHooks<T> {
  attemptStarted(index: number, attempt: number): void;
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

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

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
  const { timeoutMs, scheduler } = policy;
  const retries = (policy.retry?.attempts ?? 1) - 1;
  const direct = (child as { [ASYNC_WORK]?: AsyncWork<T> })[ASYNC_WORK];

  return new Observable<never>((subscriber) => {
    let attemptNumber = 0;
    // The running attempt's subscription, its deadline, and a pending retry: at most one each.
    let running: { unsubscribe(): void } | undefined;
    let cancelDeadline: (() => void) | undefined;
    let pendingRetry: Subscription | undefined;

    const startAttempt = () => {
      pendingRetry = undefined;
      const number = ++attemptNumber;
      hooks.attemptStarted(index, number);
      let settled = false;
      const settle = (outcome: Outcome<T>) => {
        if (settled) return;
        settled = true;
        cancelDeadline?.();
        cancelDeadline = undefined;
        const attemptSubscription = running;
        running = undefined;
        attemptSubscription?.unsubscribe();
        if (outcome.ok) {
          hooks.succeeded(index, outcome.value);
          subscriber.complete();
        } else if (number <= retries) {
          const delayMs = retryDelay(policy.retry!, number, policy.random);
          hooks.retrying(index, number, outcome.error, delayMs);
          pendingRetry = scheduler.schedule(startAttempt, delayMs);
        } else {
          hooks.failed(index, outcome.error);
          subscriber.complete();
        }
      };
      if (timeoutMs !== undefined) {
        cancelDeadline = policy.deadlines.add(timeoutMs, () => settle({ ok: false, error: new ChildTimeoutError(child.name, index, timeoutMs) }));
      }
      const attempt: Attempt = { index, name: child.name, number, late: (outcome) => hooks.late(index, number, outcome), reportTiming: (timing) => hooks.reportTiming(index, timing) };
      if (direct) {
        const stop = runAbortable(direct(attempt), {
          value: (value) => settle({ ok: true, value }),
          error: (error) => settle({ ok: false, error }),
          late: attempt.late,
        });
        if (!settled) running = { unsubscribe: stop };
        return;
      }
      let subscription: Subscription;
      try {
        subscription = from(child.run(attempt)).subscribe({
          next: (value) => settle({ ok: true, value }),
          error: (error: unknown) => settle({ ok: false, error }),
          complete: () => settle({ ok: true, value: undefined as T }),
        });
      } catch (error) {
        settle({ ok: false, error });
        return;
      }
      // A child that settled while being subscribed is already done; otherwise keep it to stop it later.
      if (settled) subscription.unsubscribe();
      else running = subscription;
    };

    startAttempt();
    return () => {
      cancelDeadline?.();
      pendingRetry?.unsubscribe();
      running?.unsubscribe();
      hooks.released(index);
    };
  });
}
