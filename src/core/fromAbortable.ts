import { Observable } from "rxjs";

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
 * const sub = fromAbortable((signal) => fetch(url, { signal })).subscribe();
 * sub.unsubscribe(); // the fetch is aborted
 * ```
 */
export function fromAbortable<T>(
  fn: (signal: AbortSignal) => PromiseLike<T> | T,
  options: FromAbortableOptions = {},
): Observable<T> {
  return new Observable<T>((subscriber) => {
    // A function that declares no parameter cannot observe a signal: skip the controller, which
    // costs about 4 us in Node 20, more than all of a trivial child's other bookkeeping.
    const controller = fn.length > 0 ? new AbortController() : undefined;
    // Set once the result was handed on: completion tears down too, and must not abort then.
    let settled = false;
    let work: PromiseLike<T>;
    try {
      work = Promise.resolve(fn(controller?.signal as AbortSignal));
    } catch (error) {
      settled = true;
      subscriber.error(error);
      return;
    }
    work.then(
        (value) => {
          if (subscriber.closed) return options.onLate?.("value");
          settled = true;
          subscriber.next(value);
          subscriber.complete();
        },
        (error: unknown) => {
          if (subscriber.closed) return options.onLate?.("error");
          settled = true;
          subscriber.error(error);
        },
      );
    return () => {
      if (!settled) controller?.abort();
    };
  });
}
