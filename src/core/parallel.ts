import { Observable } from "rxjs";
import type { ParallelEvent } from "./events.js";
import type { ChildrenInput } from "./internal/childFeed.js";
import { startRun } from "./internal/run.js";
import { type ExecutionOptions, type ExecutionOptionsInput, parseExecutionOptions } from "./options.js";
import { type RunOptions, validateRunOptions } from "./runOptions.js";

/**
 * Runs children concurrently, Promise.all-style, as a cold Observable of events: each
 * subscription is one run. Child events (or sampled `progress` snapshots) come while it works;
 * the last event is always `finished`, carrying either the ordered result or the
 * {@link ParallelExecutionError}, with a balanced final `execution_info`. The stream itself never
 * errors. Unsubscribing cancels the run: running children are unsubscribed (their AbortSignals
 * fire), no timer or listener is left.
 *
 * Semantics in brief: at most `max_concurrent` children hold a slot (a sliding window, in input
 * order); `timeout` starts when an attempt starts; `global_timeout` covers the whole run,
 * queue time included; fail-fast unsubscribes running siblings on the first failure and starts no
 * more; continue-partial keeps going, with `null` in failed slots, unless `tolerated_failures` is
 * exceeded. A run of zero children succeeds at once with `results: []`.
 *
 * @param children - an array, any iterable (read only as slots free up) or an Observable of children.
 * @param options - execution options, validated eagerly (see {@link executionOptionsSchema}).
 * @param run - scheduler, cancellation signal, progress mode, total hint.
 * @returns a cold Observable of {@link ParallelEvent}s.
 * @throws {InvalidOptionsError} synchronously, for invalid options.
 * @example
 * ```ts
 * const fetchStatus = (url: string) => (signal: AbortSignal) => fetch(url, { signal }).then((r) => r.status);
 * parallel([asyncChild("a", fetchStatus("https://example.test/a")), asyncChild("b", fetchStatus("https://example.test/b"))], { max_concurrent: 2, timeout: 1000 })
 *   .subscribe((event) => console.log(event.type, event.info.completed));
 * ```
 */
export function parallel<T>(children: ChildrenInput<T>, options?: ExecutionOptionsInput, run: RunOptions = {}): Observable<ParallelEvent<T>> {
  return parallelValidated(children, parseExecutionOptions(options), run);
}

/** {@link parallel} for options already validated by an execution-options schema (see {@link executeValidated}). */
export function parallelValidated<T>(children: ChildrenInput<T>, options: ExecutionOptions, run: RunOptions): Observable<ParallelEvent<T>> {
  validateRunOptions(run);
  return new Observable<ParallelEvent<T>>((subscriber) => startRun(subscriber, children, options, run));
}
