import { Observable } from "rxjs";
import { runAbortable } from "./internal/runAbortable.js";

/** Options of {@link fromAbortable}. */
export interface FromAbortableOptions {
  /** Called when the promise settles after the Observable was unsubscribed. */
  readonly onLate?: (outcome: "value" | "error") => void;
}

/**
 * Bridges an abortable async function into a cold Observable: each subscription calls `fn` with
 * a fresh AbortSignal, emits its result once and completes. Unsubscribing before the result
 * aborts the signal; after the result it never does. A function declared without parameters
 * (`async () => ...`) gets no signal, and saves its cost: declare `signal` to be stoppable. Nothing is retained after settlement, and
 * no listener is added to anything but the per-subscription controller.
 *
 * @param fn - the work; it should stop when `signal` aborts.
 * @param options - `onLate` hears about results that arrive after the unsubscription.
 * @returns an Observable that runs `fn` on subscription.
 * @example
 * ```ts
 * const sub = fromAbortable((signal) => fetch("https://example.test/slow", { signal })).subscribe();
 * sub.unsubscribe(); // the fetch is aborted
 * ```
 */
export function fromAbortable<T>(
  fn: (signal: AbortSignal) => PromiseLike<T> | T,
  options: FromAbortableOptions = {},
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const work = runAbortable(fn, {
      next: (value) => {
        subscriber.next(value);
        subscriber.complete();
      },
      error: (error) => subscriber.error(error),
      late: (outcome) => options.onLate?.(outcome),
    });
    return () => work.stop();
  });
}
