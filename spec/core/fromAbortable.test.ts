/**
 * The Promise bridge with real AbortSignals: `fromAbortable` aborts on unsubscription before the
 * result and never after, reports late settlements, turns a synchronous throw into an error, and
 * leaves no listener; `asyncChild` wires it to the executor (attempt, late settlements, runtime).
 */
import { getEventListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { firstValueFrom, lastValueFrom, take } from "rxjs";
import { describe, expect, it, vi } from "vitest";
import { asyncChild, executeParallel, fromAbortable } from "../../src/core/index.js";

/** A promise whose settlement the test controls. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits `ms` or until `signal` aborts, removing its listener and timer either way. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

describe("fromAbortable()", () => {
  it("fromAbortable() calls fn only on subscription, with a fresh signal each time, and emits its result then completes", async () => {
    const signals: AbortSignal[] = [];
    const fn = vi.fn(async (signal: AbortSignal) => {
      signals.push(signal);
      return signals.length;
    });
    const source = fromAbortable(fn);
    expect(fn).not.toHaveBeenCalled();
    expect(await lastValueFrom(source)).toBe(1);
    expect(await lastValueFrom(source)).toBe(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });

  it("fromAbortable() aborts the signal when unsubscribed before the result", async () => {
    const work = deferred<string>();
    let signal: AbortSignal | undefined;
    const onAbort = vi.fn();
    const subscription = fromAbortable((s) => {
      signal = s;
      s.addEventListener("abort", onAbort);
      return work.promise;
    }).subscribe();
    expect(signal?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect((signal?.reason as Error).name).toBe("AbortError");
  });

  it("fromAbortable() never aborts after the result was handed on, even when the consumer unsubscribes at that value", async () => {
    let signal: AbortSignal | undefined;
    const value = await firstValueFrom(
      fromAbortable(async (s) => {
        signal = s;
        return "done";
      }).pipe(take(1)),
    );
    expect(value).toBe("done");
    expect(signal?.aborted).toBe(false);
  });

  it("fromAbortable() never aborts after a rejection, and passes the error on", async () => {
    let signal: AbortSignal | undefined;
    const failure = new Error("nope");
    await expect(
      lastValueFrom(
        fromAbortable(async (s) => {
          signal = s;
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    expect(signal?.aborted).toBe(false);
  });

  it("fromAbortable() turns a synchronous throw into an error at subscription, without aborting", () => {
    let signal: AbortSignal | undefined;
    const errors: unknown[] = [];
    fromAbortable((s) => {
      signal = s;
      throw new TypeError("bad call");
    }).subscribe({ error: (e: unknown) => errors.push(e) });
    // Delivered synchronously: no promise was involved.
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("bad call");
    expect(signal?.aborted).toBe(false);
  });

  it("fromAbortable() accepts a plain value and emits it", async () => {
    expect(await lastValueFrom(fromAbortable(() => 42))).toBe(42);
  });

  it("fromAbortable() reports a value that arrives after unsubscription through onLate, and does not emit it", async () => {
    const work = deferred<string>();
    const onLate = vi.fn();
    const next = vi.fn();
    const subscription = fromAbortable(() => work.promise, { onLate }).subscribe(next);
    subscription.unsubscribe();
    work.resolve("zombie");
    await sleep(0);
    expect(onLate).toHaveBeenCalledExactlyOnceWith("value");
    expect(next).not.toHaveBeenCalled();
  });

  it("fromAbortable() reports an error that arrives after unsubscription through onLate, without an unhandled rejection", async () => {
    const work = deferred<string>();
    const onLate = vi.fn();
    const error = vi.fn();
    const subscription = fromAbortable(() => work.promise, { onLate }).subscribe({ error });
    subscription.unsubscribe();
    work.reject(new Error("late failure"));
    await sleep(0);
    expect(onLate).toHaveBeenCalledExactlyOnceWith("error");
    expect(error).not.toHaveBeenCalled();
  });

  it("fromAbortable() without onLate drops a late settlement silently", async () => {
    const work = deferred<string>();
    const subscription = fromAbortable(() => work.promise).subscribe();
    subscription.unsubscribe();
    work.reject(new Error("ignored"));
    await sleep(0);
  });

  it("fromAbortable() leaves no abort listener behind when the work honours its signal", async () => {
    let signal: AbortSignal | undefined;
    const subscription = fromAbortable((s) => {
      signal = s;
      return abortableSleep(10_000, s);
    }).subscribe({ error: () => undefined });
    expect(getEventListeners(signal!, "abort")).toHaveLength(1);
    subscription.unsubscribe();
    expect(getEventListeners(signal!, "abort")).toHaveLength(0);

    const done = fromAbortable((s) => {
      signal = s;
      return abortableSleep(1, s);
    });
    await lastValueFrom(done, { defaultValue: undefined });
    expect(getEventListeners(signal!, "abort")).toHaveLength(0);
  });
});

describe("asyncChild()", () => {
  it("asyncChild() gives the function a signal and the attempt, and records its runtime label", async () => {
    const seen: { index: number; name: string; number: number }[] = [];
    const child = asyncChild(
      "job",
      async (_signal, attempt) => {
        seen.push({ index: attempt.index, name: attempt.name, number: attempt.number });
        if (attempt.number < 2) throw new Error("first try fails");
        return "ok";
      },
      "module",
    );
    expect(child.runtime).toBe("module");
    expect(asyncChild("plain", async () => 1)).not.toHaveProperty("runtime");
    const result = await executeParallel([child], { retry: { attempts: 2, delay_ms: 0 } }).result;
    expect(result.results).toEqual(["ok"]);
    expect(seen).toEqual([
      { index: 0, name: "job", number: 1 },
      { index: 0, name: "job", number: 2 },
    ]);
    expect(result.execution_info.children![0]).toMatchObject({ runtime: "module", attempts: 2, status: "succeeded" });
  });

  it("asyncChild() aborts the function's signal when its timeout fires", async () => {
    let signal: AbortSignal | undefined;
    const child = asyncChild("slow", (s) => {
      signal = s;
      return abortableSleep(10_000, s);
    });
    const error = await executeParallel([child], { timeout: 20 }).result.catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "child_timed_out", message: "Node slow timed out after 20ms" });
    expect(signal?.aborted).toBe(true);
  });

  it("asyncChild() aborts running siblings' signals on fail-fast", async () => {
    const signals: AbortSignal[] = [];
    const sibling = (name: string) =>
      asyncChild(name, (s) => {
        signals.push(s);
        return abortableSleep(10_000, s);
      });
    const failing = asyncChild("failing", async () => {
      await sleep(5);
      throw new Error("broken");
    });
    const error = await executeParallel([sibling("a"), failing, sibling("c")], {}).result.catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "child_failed", message: "Node failing failed: broken" });
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });

  it("asyncChild() work that ignores its signal and settles after a timeout is counted as a late settlement, not written", async () => {
    // zombie: attempt 1 times out at 15 ms but resolves at 40 ms; keeper fails at once and
    // retries after 100 ms, so the run is still going then. zombie's attempt 2 (115 ms) times
    // out at 130 ms and ends the run before its own late result (155 ms), which is not counted.
    const zombie = asyncChild("zombie", () => sleep(40).then(() => "too late"));
    const keeper = asyncChild("keeper", async (_s, attempt) => {
      if (attempt.number === 1) throw new Error("retry me");
      return "kept";
    });
    const result = await executeParallel([zombie, keeper], {
      timeout: 15,
      error_handling: "continue-partial",
      retry: { attempts: 2, delay_ms: 100 },
    }).result;
    expect(result.results).toEqual([null, "kept"]);
    expect(result.execution_info.late_settlements).toBe(1);
    expect(result.execution_info.children![0]).toMatchObject({ status: "timed_out", attempts: 2 });
  });
});

/** Runs `body` while every AbortController created is recorded in `created`. */
async function countingAbortControllers(body: (created: unknown[]) => Promise<void>): Promise<void> {
  const created: unknown[] = [];
  const Original = globalThis.AbortController;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      created.push(this);
    }
  };
  try {
    await body(created);
  } finally {
    globalThis.AbortController = Original;
  }
}

describe("fromAbortable() without a signal parameter", () => {
  it("fromAbortable() creates no AbortController for a function that declares no parameter, and still reports a late result", async () => {
    await countingAbortControllers(async (created) => {
      const late: string[] = [];
      let resolve!: (v: number) => void;
      const sub = fromAbortable(() => new Promise<number>((r) => (resolve = r)), { onLate: (o) => late.push(o) }).subscribe();
      sub.unsubscribe();
      resolve(1);
      await new Promise((r) => setTimeout(r, 0));
      expect(created).toHaveLength(0);
      expect(late).toEqual(["value"]);
      fromAbortable((signal: AbortSignal) => Promise.resolve(signal.aborted)).subscribe();
      expect(created).toHaveLength(1);
    });
  });
});

describe("asyncChild() arguments in the executor", () => {
  it("asyncChild() gives the function only what it declares: nothing, a signal, or a signal and the attempt", async () => {
    await countingAbortControllers(async (created) => {
      const seen: unknown[][] = [];
      const children = [
        asyncChild("none", function (this: unknown) {
          seen[0] = [...arguments];
          return 0;
        }),
        asyncChild("signal", (signal: AbortSignal) => {
          seen[1] = [signal instanceof AbortSignal, signal.aborted];
          return 1;
        }),
        asyncChild("both", (signal: AbortSignal, attempt) => {
          seen[2] = [signal instanceof AbortSignal, attempt.index, attempt.name, attempt.number];
          return 2;
        }),
      ];
      const { results } = await executeParallel(children, { max_concurrent: 3 }, { progress: "none" }).result;
      expect(results).toEqual([0, 1, 2]);
      expect(seen).toEqual([[undefined], [true, false], [true, 2, "both", 1]]);
      // One controller for each of the two children that declare a signal, and executeParallel's own.
      expect(created).toHaveLength(3);
    });
  });
});

describe("asyncChild().run on its own", () => {
  it("asyncChild().run(attempt) is a cold Observable of the work (what a caller outside the executor subscribes to)", async () => {
    const { lastValueFrom } = await import("rxjs");
    const child = asyncChild("alone", (signal: AbortSignal, attempt) => Promise.resolve(`${attempt.name}#${attempt.number}:${signal.aborted}`));
    const attempt = { index: 0, name: "alone", number: 2, late: () => undefined, reportTiming: () => undefined };
    await expect(lastValueFrom(child.run(attempt) as never)).resolves.toBe("alone#2:false");
  });
});
