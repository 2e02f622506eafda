/**
 * Helpers for the executor's marble tests: children built from `cold(...)` marbles, a child
 * that keeps working after it was unsubscribed, and projections of the event stream to
 * something a `toBe`/`toEqual` can compare (only `finished`, or `type:index@frame`).
 */
import { map, Observable, type OperatorFunction } from "rxjs";
import type { ColdObservable } from "rxjs/internal/testing/ColdObservable";
import type { TestScheduler } from "rxjs/testing";
import { expect } from "vitest";
import type { Attempt, Child, ExecutionInfo, FinishedEvent, ParallelEvent } from "../src/core/index.js";

/** A child whose every attempt subscribes to the same cold observable (so `subscriptions` logs each attempt). */
export interface MarbleChild<T> extends Child<T> {
  readonly cold: ColdObservable<T>;
  /** The `Attempt` objects the executor passed, one per attempt. */
  readonly attempts: Attempt[];
}

/** Wraps a cold observable as a child called `name`. */
export function marbleChild<T>(name: string, cold: ColdObservable<T>): MarbleChild<T> {
  const attempts: Attempt[] = [];
  return {
    name,
    cold,
    attempts,
    run(attempt) {
      attempts.push(attempt);
      return cold;
    },
  };
}

/**
 * A child that never emits on its own, ignores unsubscription (a zombie), and reports a late
 * settlement `lateAfter` frames after each attempt started, like `fromAbortable` does when the
 * promise settles after the abort.
 */
export function zombieChild(scheduler: TestScheduler, name: string, lateAfter: number, outcome: "value" | "error" = "value"): Child<never> & { subscribed: number[] } {
  const subscribed: number[] = [];
  return {
    name,
    subscribed,
    run(attempt) {
      return new Observable<never>(() => {
        subscribed.push(scheduler.now());
        // Scheduled on the scheduler, not on the subscription: unsubscribing does not stop it.
        scheduler.schedule(() => attempt.late(outcome), lateAfter);
      });
    },
  };
}

/** `type:index` for child events, `type` for the others, each with `@frame`. */
export function eventLabel(event: ParallelEvent<unknown>): string {
  return "index" in event ? `${event.type}:${event.index}` : event.type;
}

/**
 * Subscribes to `events$` and records `label@frame` for each event (and `complete@frame`).
 * Read the array after `flush()`.
 */
export function recordEvents<T>(scheduler: TestScheduler, events$: Observable<ParallelEvent<T>>): { labels: string[]; events: ParallelEvent<T>[] } {
  const labels: string[] = [];
  const events: ParallelEvent<T>[] = [];
  events$.subscribe({
    next: (event) => {
      events.push(event);
      labels.push(`${eventLabel(event)}@${scheduler.now()}`);
    },
    complete: () => labels.push(`complete@${scheduler.now()}`),
  });
  return { labels, events };
}

/** What a test usually wants of the final event: outcome, results or error reason/message. */
export type FinishedSummary =
  | { outcome: "succeeded"; results: unknown[]; errors?: { index: number; status: string; error: string; attempts: number }[] }
  | { outcome: "failed"; reason: string; message: string; results: unknown[] };

export function summarize<T>(event: FinishedEvent<T>): FinishedSummary {
  if (event.outcome === "succeeded") {
    const { results, errors } = event.result;
    return {
      outcome: "succeeded",
      results,
      ...(errors ? { errors: errors.map(({ index, status, error, attempts }) => ({ index, status, error, attempts })) } : {}),
    };
  }
  return { outcome: "failed", reason: event.error.reason, message: event.error.message, results: [...event.error.results] };
}

/** Keeps only the `finished` event, summarized. */
export function finishedOnly<T>(): OperatorFunction<ParallelEvent<T>, FinishedSummary> {
  return (source) =>
    new Observable<FinishedSummary>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.type === "finished") subscriber.next(summarize(event));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/** Keeps only events of the given types, mapped to their label. */
export function labelsOf<T>(...types: ParallelEvent<T>["type"][]): OperatorFunction<ParallelEvent<T>, string> {
  return (source) =>
    new Observable<ParallelEvent<T>>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (types.includes(event.type)) subscriber.next(event);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    ).pipe(map(eventLabel));
}

/** The last event of a recorded run, asserted to be `finished`. */
export function lastFinished<T>(events: readonly ParallelEvent<T>[]): FinishedEvent<T> {
  const last = events.at(-1);
  expect(last?.type).toBe("finished");
  return last as FinishedEvent<T>;
}

/** Asserts the balances every final snapshot must satisfy. */
export function expectBalanced(info: ExecutionInfo): void {
  expect(info.completed + info.failed).toBe(info.total);
  expect(info.failed).toBe(info.errored + info.timed_out + info.cancelled);
  expect(info.running).toBe(0);
  expect(info.queued).toBe(0);
  expect(info.children).toHaveLength(info.total);
}
