import { isObservable, Observable, type Subscriber, Subscription } from "rxjs";
import type { Child } from "../child.js";

/** The children of a run: an array or any iterable (read lazily), or an Observable of children. */
export type ChildrenInput<T> = Iterable<Child<T>> | Observable<Child<T>>;

/** A child with its position in the input. */
export interface IndexedChild<T> {
  readonly index: number;
  readonly child: Child<T>;
}

/** Pull interface over the two input kinds. */
interface Source<T> {
  /** The next child, `WAIT` when an Observable has nothing buffered yet, `DONE` at the end. */
  next(): Child<T> | typeof WAIT | typeof DONE;
  /**
   * What is left, then releases the source: an Observable's buffered children, an iterable's next
   * `limit` children at most (it is closed after that, so an endless or huge one never hangs a stop).
   */
  drain(limit: number): Child<T>[];
  /** Releases the source without reading it further (an iterator is closed with `return()`). */
  close(): void;
}

const WAIT = Symbol("wait");
const DONE = Symbol("done");

/**
 * An array read by index: what an array iterator does, without its `{ value, done }` object per
 * child. Like the iterator, it sees the array's length as it is when each child is taken.
 */
function arraySource<T>(input: readonly Child<T>[]): Source<T> {
  let next = 0;
  let done = false;
  return {
    next() {
      if (done || next >= input.length) {
        done = true;
        return DONE;
      }
      return input[next++]!;
    },
    drain(limit) {
      const end = done ? next : Math.min(input.length, next + limit);
      const rest = input.slice(next, end);
      next = end;
      done = true;
      return rest;
    },
    close() {
      done = true;
    },
  };
}

function iterableSource<T>(input: Iterable<Child<T>>): Source<T> {
  if (Array.isArray(input)) return arraySource(input as readonly Child<T>[]);
  const iterator = input[Symbol.iterator]();
  let done = false;
  return {
    next() {
      if (done) return DONE;
      const step = iterator.next();
      if (step.done) done = true;
      return step.done ? DONE : step.value;
    },
    drain(limit) {
      const rest: Child<T>[] = [];
      try {
        while (!done && rest.length < limit) {
          const step = iterator.next();
          if (step.done) done = true;
          else rest.push(step.value);
        }
      } catch {
        // The input broke while being drained: what it had produced so far is still reported
        // (as not started); what it had not produced cannot be counted.
        done = true;
      }
      this.close();
      return rest;
    },
    close() {
      if (done) return;
      done = true;
      iterator.return?.();
    },
  };
}

/**
 * Buffers an Observable input in a queue with a moving head, so taking the next child is O(1)
 * (an `Array.shift` per child is what makes a huge mergeMap buffer quadratic).
 *
 * The input is subscribed by `connect()`, not here: the feed must hold the source before the
 * input can emit, or children emitted synchronously at subscription (then an error, say) would
 * be lost to `drain` and the run would not report them.
 */
function observableSource<T>(input: Observable<Child<T>>, onReady: () => void, onError: (error: unknown) => void): Source<T> & { connect(): Subscription } {
  let queue: Child<T>[] = [];
  let head = 0;
  let complete = false;
  // Set by drain/close: a synchronous input may keep emitting until its subscribe returns.
  let released = false;
  const subscription = new Subscription();
  const take = (): Child<T> | undefined => {
    if (head === queue.length) return undefined;
    const child = queue[head]!;
    queue[head++] = undefined as never;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return child;
  };
  const release = () => {
    released = true;
    subscription.unsubscribe();
  };
  return {
    connect() {
      subscription.add(
        input.subscribe({
          next(child) {
            if (released) return;
            queue.push(child);
            onReady();
          },
          error: onError,
          complete() {
            complete = true;
            onReady();
          },
        }),
      );
      return subscription;
    },
    next() {
      const child = take();
      if (child !== undefined) return child;
      return complete ? DONE : WAIT;
    },
    drain() {
      release();
      const rest = queue.slice(head);
      queue = [];
      head = 0;
      return rest;
    },
    close() {
      release();
      queue = [];
      head = 0;
    },
  };
}

/**
 * The window of a run. `offers` emits a child only while fewer than `slots` offered children are
 * unreleased, so the merge downstream never has to buffer and the input is read no faster than
 * children finish: a million-child iterable is never materialised. `release()` frees a slot.
 *
 * Pulling is trampolined: a child that finishes synchronously releases its slot while the pump is
 * still running, and the pump's loop, not a nested call, offers the next child. Deep recursion
 * cannot build up however many synchronous children follow each other.
 */
/**
 * How the feed lets the event loop breathe. Children that settle in microtasks (an async function
 * with nothing to wait for) would otherwise run a whole run in one macrotask: no timer (per-child
 * timeout, sampled progress) and no I/O could run until the end.
 */
export interface FeedYield {
  /** Offers made in one go before yielding. */
  readonly every: number;
  /** Runs `resume` on a later macrotask; returns a cancel function. */
  readonly schedule: (resume: () => void) => () => void;
}

/** Yields with setImmediate: after pending I/O and due timers, long before a 1 ms timeout. */
export const IMMEDIATE_YIELD: FeedYield = {
  every: 1024,
  schedule: (resume) => {
    const handle = setImmediate(resume);
    return () => clearImmediate(handle);
  },
};

export class ChildFeed<T> {
  private credits: number;
  private pumping = false;
  // Offers since the event loop last had a turn, and the pending resumption when yielding.
  private burst = 0;
  private cancelYield: (() => void) | undefined;
  private stopped = false;
  private nextIndex = 0;
  private sink: Subscriber<Child<T>> | undefined;
  private source: Source<T> | undefined;

  /**
   * Emits the children in input order as slots allow (the n-th emission is child n: no wrapper
   * object per child); completes after the last child; errors if the input does.
   */
  readonly offers: Observable<Child<T>>;

  constructor(
    private readonly input: ChildrenInput<T>,
    slots: number,
    private readonly yielding?: FeedYield,
  ) {
    this.credits = slots;
    this.offers = new Observable<Child<T>>((subscriber) => {
      this.sink = subscriber;
      const fail = (error: unknown) => subscriber.error(error);
      if (isObservable(this.input)) {
        const source = observableSource(this.input, () => this.pump(), fail);
        this.source = source;
        subscriber.add(source.connect());
      } else {
        try {
          this.source = iterableSource(this.input);
        } catch (error) {
          fail(error);
          return;
        }
      }
      this.pump();
    });
  }

  /** A slot was freed: offer the next child if there is one. */
  release(): void {
    this.credits++;
    this.pump();
  }

  /**
   * Stops offering and returns the children that were never offered, indexed: an iterable is
   * read (children are descriptors; nothing runs) only up to `knownTotal`, the count the run was
   * told about (an array's length or the `total` hint), then closed; an Observable input is
   * unsubscribed, and only the children it had already emitted are known.
   */
  stop(knownTotal: number): IndexedChild<T>[] {
    this.stopped = true;
    this.cancelYield?.();
    let rest: Child<T>[] = [];
    try {
      // Stopped before `offers` was ever subscribed (the run's signal was already aborted): an
      // iterable's children are still this run's children and must be reported as not started,
      // or the run would claim `total: 0` and return `results: []` for a non-empty input.
      if (!this.source && !isObservable(this.input)) this.source = iterableSource(this.input);
      rest = this.source?.drain(Math.max(0, knownTotal - this.nextIndex)) ?? [];
    } catch {
      // Creating the iterator itself failed (a drain keeps what it read before a failure).
    }
    return rest.map((child) => ({ index: this.nextIndex++, child }));
  }

  /**
   * Stops offering without reading the rest of the input: the run was unsubscribed, so nobody
   * will see the never-started children, and reading an endless iterable to its end would never
   * return. An iterator is closed, so a generator's `finally` blocks run.
   */
  close(): void {
    this.stopped = true;
    this.cancelYield?.();
    try {
      this.source?.close();
    } catch {
      // A throwing `return()` has nothing left to tell an unsubscribed run.
    }
  }

  private pump(): void {
    const sink = this.sink;
    if (this.pumping || this.cancelYield || !sink || !this.source) return;
    this.pumping = true;
    try {
      while (this.credits > 0 && !this.stopped && !sink.closed) {
        if (this.yielding && ++this.burst > this.yielding.every) {
          this.cancelYield = this.yielding.schedule(() => {
            this.cancelYield = undefined;
            this.burst = 0;
            this.pump();
          });
          break;
        }
        const next = this.source.next();
        if (next === WAIT) break;
        if (next === DONE) {
          sink.complete();
          break;
        }
        this.credits--;
        this.nextIndex++;
        sink.next(next);
      }
    } catch (error) {
      sink.error(error);
    } finally {
      this.pumping = false;
    }
  }
}
