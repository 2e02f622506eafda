import { Observable, Subject } from "rxjs";
import type { ParallelExecutionError } from "./errors.js";
import type { ParallelEvent, ParallelResult } from "./events.js";
import type { ChildrenInput } from "./internal/childFeed.js";
import { type ExecutionOptions, type ExecutionOptionsInput, parseExecutionOptions } from "./options.js";
import { parallelValidated } from "./parallel.js";
import type { RunOptions } from "./runOptions.js";

/** A started run, seen two ways: as a stream of events and as a promise of the final result. */
export interface ParallelExecution<T> {
  /**
   * The run's events. Hot: a subscriber gets the latest event (and so the latest snapshot) and
   * everything after it; it completes after `finished`. Use `onEvent` to see every event from the start.
   */
  readonly events: Observable<ParallelEvent<T>>;
  /** Resolves with the ordered result, rejects with a {@link ParallelExecutionError}. */
  readonly result: Promise<ParallelResult<T>>;
  /** Cancels the run (no-op once finished): the result rejects with reason `cancelled`. */
  cancel(reason?: unknown): void;
}

/** {@link RunOptions} plus a synchronous listener that sees every event, from the first. */
export interface ExecuteOptions<T> extends RunOptions {
  readonly onEvent?: (event: ParallelEvent<T>) => void;
}

/**
 * Starts a run now and returns its handle. The run is shared: the events and the result come
 * from the same single execution, never from running the children twice.
 *
 * @param children - an array, any iterable or an Observable of children.
 * @param options - execution options (see {@link parallel}).
 * @param run - run options plus `onEvent`.
 * @returns the {@link ParallelExecution}.
 * @throws {InvalidOptionsError} synchronously, for invalid options.
 * @example
 * ```ts
 * const children = [1, 2, 3, 4].map((n) => asyncChild(`square-${n}`, async () => n * n));
 * const execution = executeParallel(children, { max_concurrent: 3 }, { onEvent: (e) => console.log(e.type, e.info.completed) });
 * const { results, execution_info } = await execution.result; // [1, 4, 9, 16]
 * console.log(results, execution_info.concurrent_peak);
 * ```
 */
export function executeParallel<T>(children: ChildrenInput<T>, options?: ExecutionOptionsInput, run: ExecuteOptions<T> = {}): ParallelExecution<T> {
  return executeValidated(children, parseExecutionOptions(options), run);
}

/**
 * {@link executeParallel} for options that already passed an execution-options schema: the core's
 * `executionOptionsSchema`, or a schema whose fields come from `executionOptionsShape` with bounds
 * inside the core's (the container's `execution`). They are used as they are: a second parse could
 * only repeat the first, and it ran on every container step.
 *
 * @param children - an array, any iterable or an Observable of children.
 * @param options - filled options, as a schema built on `executionOptionsShape` outputs them.
 * @param run - run options plus `onEvent` (checked here).
 * @returns the {@link ParallelExecution}.
 * @throws {InvalidOptionsError} synchronously, for invalid run options.
 * @example
 * ```ts
 * const options = parseExecutionOptions({ max_concurrent: 2 }); // validated once, used for many runs
 * for (const batch of [[1, 2], [3, 4]]) {
 *   const { results } = await executeValidated(batch.map((n) => asyncChild(`double-${n}`, async () => n * 2)), options).result;
 *   console.log(results); // [2, 4], then [6, 8]
 * }
 * ```
 */
export function executeValidated<T>(children: ChildrenInput<T>, options: ExecutionOptions, run: ExecuteOptions<T> = {}): ParallelExecution<T> {
  const controller = new AbortController();
  const outer = run.signal;
  const forwardAbort = () => controller.abort(outer?.reason);
  const events$ = parallelValidated(children, options, { ...run, signal: controller.signal });

  // A replay of the latest event: a ReplaySubject(1) trims its buffer on every event, and a run
  // of trivial children emits two events per child, mostly with nobody subscribed.
  const live = new Subject<ParallelEvent<T>>();
  let latest: ParallelEvent<T> | undefined;
  let completed = false;
  const events = new Observable<ParallelEvent<T>>((subscriber) => {
    if (latest !== undefined) subscriber.next(latest);
    if (completed) {
      subscriber.complete();
      return;
    }
    return live.subscribe(subscriber);
  });
  let settle!: { resolve: (r: ParallelResult<T>) => void; reject: (e: ParallelExecutionError<T>) => void };
  const result = new Promise<ParallelResult<T>>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Someone who only watches the events must not get an unhandled rejection; awaiting still throws.
  result.catch(() => undefined);

  if (outer?.aborted) forwardAbort();
  else outer?.addEventListener("abort", forwardAbort, { once: true });
  events$.subscribe({
    next: (event) => {
      // `finally`: a listener that throws must not keep the event from `events` nor, on
      // `finished`, leave the result pending forever. Its error still propagates (rxjs reports
      // it as unhandled, as for any throwing subscriber).
      try {
        run.onEvent?.(event);
      } finally {
        latest = event;
        if (live.observed) live.next(event);
        if (event.type === "finished") {
          outer?.removeEventListener("abort", forwardAbort);
          if (event.outcome === "succeeded") settle.resolve(event.result);
          else settle.reject(event.error);
        }
      }
    },
    complete: () => {
      completed = true;
      live.complete();
    },
  });

  return {
    events,
    result,
    cancel: (reason?: unknown) => controller.abort(reason),
  };
}
