/**
 * Where {@link runAbortable} reports: exactly one of `next` / `error`, or `late` after a stop.
 * Named as an Observer's, so one object can be both (the child pipeline's `ChildRun` is).
 */
export interface AbortableHandlers<T> {
  next(value: T): void;
  error(error: unknown): void;
  /** The work settled after `stop()`: its outcome is dropped. `tag` is the one given to {@link runAbortable}. */
  late?(outcome: "value" | "error", tag: number): void;
}

/** A started piece of abortable work; `stop()` aborts its signal unless it has already settled. */
export interface AbortableWork {
  stop(): void;
}

/**
 * One started function. A class rather than closures: every trivial child of a run creates one,
 * and its state and callbacks as fields and methods cost one object instead of five.
 */
class Abortable<T> implements AbortableWork {
  private readonly controller: AbortController | undefined;
  private settled = false;
  private stopped = false;

  constructor(
    fn: (signal: AbortSignal) => PromiseLike<T> | T,
    private readonly handlers: AbortableHandlers<T>,
    private readonly tag: number,
    wantsSignal: boolean,
  ) {
    this.controller = wantsSignal ? new AbortController() : undefined;
    try {
      Promise.resolve(fn(this.controller?.signal as AbortSignal)).then(
        (value) => this.onValue(value),
        (error: unknown) => this.onError(error),
      );
    } catch (error) {
      this.onError(error);
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.settled) this.controller?.abort();
  }

  private onValue(value: T): void {
    if (this.settled) return;
    this.settled = true;
    if (this.stopped) this.handlers.late?.("value", this.tag);
    else this.handlers.next(value);
  }

  private onError(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.stopped) this.handlers.late?.("error", this.tag);
    else this.handlers.error(error);
  }
}

/**
 * Starts `fn` now; the returned work's `stop()` aborts its signal unless the work has already
 * settled. The one place that knows how Promise work is stopped: `fromAbortable` wraps it in an
 * Observable, the child pipeline calls it directly for `asyncChild` work.
 *
 * A function declared without parameters cannot observe a signal, so none is created: an
 * AbortController costs about 4 us in Node 20, more than all of a trivial child's other work.
 * `wantsSignal` lets a caller that already knows `fn.length` skip reading it again.
 */
export function runAbortable<T>(
  fn: (signal: AbortSignal) => PromiseLike<T> | T,
  handlers: AbortableHandlers<T>,
  tag = 0,
  wantsSignal = fn.length > 0,
): AbortableWork {
  return new Abortable(fn, handlers, tag, wantsSignal);
}
