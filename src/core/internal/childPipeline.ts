import { defer, from, Observable, retry, type SchedulerLike, take, throwError, timeout, timer } from "rxjs";
import { retryDelay } from "../backoff.js";
import type { Attempt, Child } from "../child.js";
import { ChildTimeoutError } from "../errors.js";
import type { RetryPolicy } from "../options.js";

/** What the child pipeline tells the run about one child. */
export interface ChildHooks<T> {
  attemptStarted(attempt: number): void;
  retrying(attempt: number, error: unknown, delayMs: number): void;
  late(attempt: number, outcome: "value" | "error"): void;
  reportTiming(timing: Readonly<Record<string, number>>): void;
  succeeded(value: T): void;
  failed(error: unknown): void;
  /** Runs on every ending (success, failure, unsubscription), after the outcome was reported. */
  released(): void;
}

/** How each child is run. */
export interface ChildPolicy {
  readonly timeoutMs: number | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
}

/**
 * One child as an Observable that never emits: each attempt subscribes to `child.run(attempt)`,
 * takes its first value, and is unsubscribed (so its AbortSignal fires) when `timeoutMs` passes
 * from the attempt's start. Failed attempts are retried with backoff while the child keeps its
 * slot. The outcome goes to `hooks`; the Observable itself always completes quietly, so a
 * failure stays local to its child unless the run decides otherwise.
 */
export function childPipeline<T>(index: number, child: Child<T>, policy: ChildPolicy, hooks: ChildHooks<T>): Observable<never> {
  const { timeoutMs, scheduler } = policy;
  let attemptNumber = 0;
  const attempt$ = defer(() => {
    const number = ++attemptNumber;
    hooks.attemptStarted(number);
    const attempt: Attempt = {
      index,
      name: child.name,
      number,
      late: (outcome) => hooks.late(number, outcome),
      reportTiming: hooks.reportTiming,
    };
    const work = from(child.run(attempt)).pipe(take(1));
    if (timeoutMs === undefined) return work;
    return work.pipe(
      timeout({ first: timeoutMs, scheduler, with: () => throwError(() => new ChildTimeoutError(child.name, index, timeoutMs)) }),
    );
  });
  const retries = (policy.retry?.attempts ?? 1) - 1;
  const attempts$ =
    retries > 0
      ? attempt$.pipe(
          retry({
            count: retries,
            delay: (error: unknown, retryNumber: number) => {
              const delayMs = retryDelay(policy.retry!, retryNumber, policy.random);
              hooks.retrying(attemptNumber, error, delayMs);
              return timer(delayMs, scheduler);
            },
          }),
        )
      : attempt$;

  return new Observable<never>((subscriber) => {
    let gotValue = false;
    const subscription = attempts$.subscribe({
      next: (value) => {
        gotValue = true;
        hooks.succeeded(value);
      },
      error: (error: unknown) => {
        hooks.failed(error);
        subscriber.complete();
      },
      complete: () => {
        if (!gotValue) hooks.succeeded(undefined as T);
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      hooks.released();
    };
  });
}
