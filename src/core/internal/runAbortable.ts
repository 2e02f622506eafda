/** Where {@link runAbortable} reports: exactly one of `value` / `error`, or `late` after a stop. */
export interface AbortableHandlers<T> {
  value(value: T): void;
  error(error: unknown): void;
  /** The work settled after `stop()`: its outcome is dropped. */
  late?(outcome: "value" | "error"): void;
}

/**
 * Starts `fn` now and returns `stop`, which aborts its signal unless the work has already
 * settled. The one place that knows how Promise work is stopped: `fromAbortable` wraps it in an
 * Observable, the child pipeline calls it directly for `asyncChild` work.
 *
 * A function declared without parameters cannot observe a signal, so none is created: an
 * AbortController costs about 4 us in Node 20, more than all of a trivial child's other work.
 */
export function runAbortable<T>(fn: (signal: AbortSignal) => PromiseLike<T> | T, handlers: AbortableHandlers<T>): () => void {
  const controller = fn.length > 0 ? new AbortController() : undefined;
  let settled = false;
  let stopped = false;
  const settle = (report: () => void, outcome: "value" | "error") => {
    if (settled) return;
    settled = true;
    if (stopped) handlers.late?.(outcome);
    else report();
  };
  try {
    Promise.resolve(fn(controller?.signal as AbortSignal)).then(
      (value) => settle(() => handlers.value(value), "value"),
      (error: unknown) => settle(() => handlers.error(error), "error"),
    );
  } catch (error) {
    settle(() => handlers.error(error), "error");
  }
  return () => {
    if (stopped) return;
    stopped = true;
    if (!settled) controller?.abort();
  };
}
