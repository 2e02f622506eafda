import type { ObservableInput } from "rxjs";
import { fromAbortable } from "./fromAbortable.js";

/** What a child learns about the attempt it is asked to start. */
export interface Attempt {
  /** Position of the child in the input. */
  readonly index: number;
  /** The child's name. */
  readonly name: string;
  /** 1 for the first try, 2 for the first retry, and so on. */
  readonly number: number;
  /**
   * Reports that the attempt's work settled after it had been stopped (a zombie result). The
   * executor drops the value and counts it in `late_settlements`. {@link fromAbortable} calls it.
   */
  readonly late: (outcome: "value" | "error") => void;
  /** Attaches timings (e.g. `{ connect_ms, query_ms }`) to the child's record. */
  readonly reportTiming: (timing: Readonly<Record<string, number>>) => void;
}

/**
 * A unit of work: subscribing to what `run` returns starts it, unsubscribing stops it. The first
 * value is the child's result (later values are ignored); completing without a value gives
 * `undefined`; an error fails the attempt.
 */
export interface Child<T> {
  readonly name: string;
  /** Free-form runtime label recorded in `execution_info.children[i].runtime`. */
  readonly runtime?: string;
  /** Called once per attempt. Must be lazy: work starts on subscription, not on this call. */
  run(attempt: Attempt): ObservableInput<T>;
}

/**
 * Makes a child from an async function. The function receives an AbortSignal that fires when the
 * child is unsubscribed for any reason (timeout, fail-fast, global timeout, caller cancel), and
 * never after it has settled. A function declared without parameters gets no signal (none is
 * created): it cannot be stopped, only abandoned, and its late result is counted. The
 * {@link Attempt} comes as the second argument to a function that declares it.
 *
 * @param name - the child's name, used in errors and events.
 * @param fn - the work; honour `signal` to really stop.
 * @param runtime - optional runtime label for `execution_info`.
 * @returns a child for {@link parallel} / {@link executeParallel}.
 * @example
 * ```ts
 * const child = asyncChild("fetch-a", (signal) => fetch("https://example.test/a", { signal }).then((r) => r.json()));
 * ```
 */
export function asyncChild<T>(
  name: string,
  fn: (signal: AbortSignal, attempt: Attempt) => PromiseLike<T> | T,
  runtime?: string,
): Child<T> {
  // `fn.length` is read once here: it is a slow property, and it decides per attempt whether a
  // signal (an AbortController) and an Attempt object are made at all.
  const work: AsyncWork<T> = { fn, params: fn.length };
  return {
    name,
    ...(runtime === undefined ? {} : { runtime }),
    run: (attempt) => fromAbortable(withAttempt(work, attempt), { onLate: attempt.late }),
    [ASYNC_WORK]: work,
  } as Child<T>;
}

/**
 * The work as {@link fromAbortable} takes it. The attempt is bound only for a function that
 * declares it (two parameters), so the result's `length` still tells whether a signal is wanted,
 * and a function that declares neither gets no AbortController at all.
 * @internal
 */
export function withAttempt<T>(work: AsyncWork<T>, attempt: Attempt | undefined): (signal: AbortSignal) => PromiseLike<T> | T {
  const { fn } = work;
  return work.params >= 2 ? (signal) => fn(signal, attempt!) : (fn as (signal: AbortSignal) => PromiseLike<T> | T);
}

/**
 * Marks children made by {@link asyncChild}: the pipeline starts their work directly instead of
 * through `run`'s Observable (same behaviour, one subscription layer less per child).
 * @internal
 */
export const ASYNC_WORK = Symbol("asyncWork");

/** The function behind an {@link asyncChild}, with its declared parameter count. @internal */
export interface AsyncWork<T> {
  readonly fn: (signal: AbortSignal, attempt: Attempt) => PromiseLike<T> | T;
  /** `fn.length`: 0 wants no signal, 1 a signal, 2 the attempt too. */
  readonly params: number;
}
