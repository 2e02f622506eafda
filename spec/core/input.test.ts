/**
 * The input side of a run: huge synchronous inputs (no stack overflow, order kept), iterables
 * that throw, lazily read iterables (never read ahead of the window), and endless iterables.
 */
import { firstValueFrom, from, last, type Observable, of, tap } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { asyncChild, type Child, executeParallel, type FinishedEvent, type ParallelEvent, parallel } from "../../src/core/index.js";

/** The 100,000-child runs take seconds under coverage on a busy machine. */
const HUGE_TIMEOUT = 120_000;

const syncChild = (i: number): Child<number> => ({ name: `n${i}`, run: () => of(i) });

const finished = <T>(events$: Observable<ParallelEvent<T>>) => firstValueFrom(events$.pipe(last())) as Promise<FinishedEvent<T>>;

describe("parallel() with huge synchronous inputs", () => {
  it("parallel() runs 100,000 synchronous of(i) children without overflowing the stack and keeps their order", async () => {
    const n = 100_000;
    const children = Array.from({ length: n }, (_, i) => syncChild(i));
    let events = 0;
    const end = await finished(parallel(children, { max_concurrent: 16 }).pipe(tap<ParallelEvent<number>>(() => events++)));
    expect(end.outcome).toBe("succeeded");
    if (end.outcome !== "succeeded") return;
    expect(end.result.results).toHaveLength(n);
    expect(end.result.results.every((value, i) => value === i)).toBe(true);
    // Synchronous children finish before the next one is offered: one slot is ever held.
    expect(end.info).toMatchObject({ total: n, completed: n, failed: 0, concurrent_peak: 1 });
    // Every child produced its started and succeeded events, plus the final one.
    expect(events).toBe(2 * n + 1);
  }, HUGE_TIMEOUT);

  it("parallel() runs one async child then 100,000 synchronous ones at max_concurrent 1, in order, without overflowing the stack", async () => {
    const n = 100_000;
    const first = asyncChild("first", async () => -1);
    function* children(): Generator<Child<number>> {
      yield first;
      for (let i = 0; i < n; i++) yield syncChild(i);
    }
    const end = await finished(parallel(children(), { max_concurrent: 1 }, { progress: "none" }));
    if (end.outcome !== "succeeded") throw new Error("expected success");
    expect(end.result.results).toHaveLength(n + 1);
    expect(end.result.results[0]).toBe(-1);
    expect(end.result.results.every((value, i) => value === i - 1)).toBe(true);
    expect(end.info.concurrent_peak).toBe(1);
  }, HUGE_TIMEOUT);

  it("parallel() fail-fast in the middle of 100,000 synchronous children records the rest as not started", async () => {
    const n = 100_000;
    const children = Array.from({ length: n }, (_, i): Child<number> => (i === 50_000 ? { name: "bad", run: () => Promise.reject(new Error("no")) } : syncChild(i)));
    const end = await finished(parallel(children, { max_concurrent: 1 }, { progress: "none" }));
    if (end.outcome !== "failed") throw new Error("expected failure");
    expect(end.error.message).toBe("Node bad failed: no");
    expect(end.info).toMatchObject({ total: n, completed: 50_000, errored: 1, cancelled: n - 50_001 });
    expect(end.info.children![99_999]).toMatchObject({ status: "cancelled", attempts: 0 });
  }, HUGE_TIMEOUT);
});

describe("parallel() with a huge Observable input", () => {
  it("parallel() buffers 5,000 children emitted at once by an Observable and runs them in order at max_concurrent 1", async () => {
    const n = 5_000;
    const started: number[] = [];
    const children = Array.from({ length: n }, (_, i): Child<number> => ({
      name: `n${i}`,
      run: () => {
        started.push(i);
        return of(i);
      },
    }));
    const end = await finished(parallel(from(children), { max_concurrent: 1 }, { progress: "none" }));
    if (end.outcome !== "succeeded") throw new Error("expected success");
    expect(end.result.results.every((value, i) => value === i)).toBe(true);
    expect(started.every((value, i) => value === i)).toBe(true);
    expect(end.info.total).toBe(n);
  });

  it("parallel() reports the buffered rest of a huge Observable input as not started on fail-fast", async () => {
    const n = 3_000;
    const children = Array.from({ length: n }, (_, i): Child<number> => (i === 2_000 ? { name: "bad", run: () => Promise.reject(new Error("no")) } : syncChild(i)));
    const end = await finished(parallel(from(children), { max_concurrent: 1 }, { progress: "none" }));
    expect(end.info).toMatchObject({ total: n, completed: 2_000, errored: 1, cancelled: n - 2_001 });
    expect(end.info.children!.map((c) => c.index)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(end.info.children![2_001]).toMatchObject({ name: "n2001", status: "cancelled", attempts: 0 });
  });
});

describe("parallel() with iterables", () => {
  it("parallel() fails with reason input_error when an iterable throws mid-way, cancelling the running child", async () => {
    const aborted: string[] = [];
    const slow = (name: string, ms: number) =>
      asyncChild(name, (signal) => new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve(name), ms);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          aborted.push(name);
        });
      }));
    function* children(): Generator<Child<string>> {
      yield slow("a", 5);
      yield slow("b", 10_000);
      throw new Error("row 3 is corrupt");
    }
    const execution = executeParallel(children(), { max_concurrent: 2 });
    const error = await execution.result.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ParallelExecutionError", reason: "input_error", message: "Could not read the list of children: row 3 is corrupt" });
    expect((error as { cause: Error }).cause.message).toBe("row 3 is corrupt");
    expect((error as { results: unknown[] }).results).toEqual(["a", null]);
    expect(aborted).toEqual(["b"]);
  });

  it("parallel() fails with reason input_error when the iterable cannot even give an iterator", async () => {
    const broken = { [Symbol.iterator]: () => { throw new Error("no iterator"); } } as unknown as Iterable<Child<number>>;
    const end = await finished(parallel(broken, {}));
    if (end.outcome !== "failed") throw new Error("expected failure");
    expect(end.error.reason).toBe("input_error");
    expect(end.error.message).toBe("Could not read the list of children: no iterator");
    expect(end.info.total).toBe(0);
  });

  it("parallel() fails with input_error when the input holds something that is not a child", async () => {
    const end = await finished(parallel([syncChild(0), null as unknown as Child<number>], {}));
    if (end.outcome !== "failed") throw new Error("expected failure");
    expect(end.error.reason).toBe("input_error");
    expect(end.error.results).toEqual([0]);
  });

  it("parallel() reads a lazy iterable only as slots free up (never ahead of the window)", () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, flush }) => {
      const durations = ["---a|", "-b|", "-----c|", "--d|", "-e|", "----f|", "-g|"];
      let produced = 0;
      function* lazy(): Generator<Child<string>> {
        for (const [i, marbles] of durations.entries()) {
          produced++;
          yield { name: `c${i}`, run: () => cold(marbles) };
        }
      }
      const producedAtStart: number[] = [];
      parallel(lazy(), { max_concurrent: 3 }, { scheduler }).subscribe((event) => {
        if (event.type === "started") producedAtStart.push(produced);
      });
      // The first three fill the window at once; each later child is produced only when it starts.
      expect(producedAtStart).toEqual([1, 2, 3]);
      expect(produced).toBe(3);
      flush();
      expect(producedAtStart).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });

  it("parallel() fail-fast reads a lazy iterable up to its total hint to report its children as not started", async () => {
    let read = 0;
    function* lazy(): Generator<Child<number>> {
      yield { name: "bad", run: () => Promise.reject(new Error("no")) };
      for (let i = 1; i < 1000; i++) {
        read++;
        yield syncChild(i);
      }
    }
    const end = await finished(parallel(lazy(), { max_concurrent: 1 }, { progress: "none", total: 1000 }));
    expect(end.info).toMatchObject({ total: 1000, errored: 1, cancelled: 999 });
    expect(read).toBe(999);
  });

  it("parallel() fail-fast does not read an endless lazy iterable without a total hint: it stops and closes it", async () => {
    let closed = false;
    function* endless(): Generator<Child<number>> {
      try {
        yield { name: "bad", run: () => Promise.reject(new Error("no")) };
        for (let i = 1; ; i++) yield syncChild(i);
      } finally {
        closed = true;
      }
    }
    const end = await finished(parallel(endless(), { max_concurrent: 1 }, { progress: "none" }));
    expect(end.outcome).toBe("failed");
    expect(end.info).toMatchObject({ total: 1, completed: 0, errored: 1, cancelled: 0 });
    expect(closed).toBe(true);
  });

  it("parallel() fail-fast keeps the children a lazy iterable produced before it broke while being drained", async () => {
    function* lazy(): Generator<Child<number>> {
      yield { name: "bad", run: () => Promise.reject(new Error("no")) };
      yield syncChild(1);
      yield syncChild(2);
      throw new Error("row 4 is corrupt");
    }
    const end = await finished(parallel(lazy(), { max_concurrent: 1 }, { total: 4 }));
    if (end.outcome !== "failed") throw new Error("expected failure");
    // The run failed for its child, not for the input, and both children read before the break are reported.
    expect(end.error.reason).toBe("child_failed");
    expect(end.info.children!.map((c) => [c.name, c.status, c.attempts])).toEqual([
      ["bad", "failed", 1],
      ["n1", "cancelled", 0],
      ["n2", "cancelled", 0],
    ]);
  });

  it("parallel() with an already aborted signal fails with reason cancelled even when the iterable cannot give an iterator", async () => {
    const broken = { [Symbol.iterator]: () => { throw new Error("no iterator"); } } as unknown as Iterable<Child<number>>;
    const end = await finished(parallel(broken, {}, { signal: AbortSignal.abort() }));
    if (end.outcome !== "failed") throw new Error("expected failure");
    expect(end.error.reason).toBe("cancelled");
    expect(end.info.total).toBe(0);
  });

  it("parallel() stops reading an endless iterable when the run is unsubscribed, and closes it", async () => {
    let produced = 0;
    let closed = false;
    function* endless(): Generator<Child<string>> {
      try {
        for (;;) {
          produced++;
          // A guard so that a regression fails instead of looping forever.
          if (produced > 10_000) throw new Error("read too far");
          yield asyncChild(`n${produced}`, () => new Promise<string>(() => undefined));
        }
      } finally {
        closed = true;
      }
    }
    const subscription = parallel(endless(), { max_concurrent: 2 }).subscribe();
    expect(produced).toBe(2);
    subscription.unsubscribe();
    expect(produced).toBe(2);
    expect(closed).toBe(true);
  });

  it("parallel() over an endless iterable is stopped by its global_timeout (Observable inputs are not drained)", async () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, flush }) => {
      let end: FinishedEvent<string> | undefined;
      parallel(cold<Child<string>>("a-a-a-a-a-a-a-a-a-a-a", { a: { name: "x", run: () => cold("-x|") } }), { global_timeout: 5 }, { scheduler }).subscribe((e) => {
        if (e.type === "finished") end = e;
      });
      flush();
      expect(end?.outcome).toBe("failed");
      expect(end?.info).toMatchObject({ total: 3, completed: 2, cancelled: 1 });
    });
  });
});
