/**
 * executeParallel(): one run seen as events and as a result promise. Resolve/reject, cancel(),
 * the outer signal, late subscribers to `events`, `onEvent`, and no unhandled rejection when
 * only the events are watched.
 */
import { getEventListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { config, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  asyncChild,
  type Child,
  executeParallel,
  InvalidOptionsError,
  type ParallelEvent,
  ParallelExecutionError,
  parallel,
} from "../../src/core/index.js";
import { eventLabel } from "../../marble-tests/helpers.js";

/** Resolves after `ms` unless the signal aborts first (then rejects), cleaning up either way. */
function work<T>(value: T, ms: number) {
  return (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

describe("executeParallel()", () => {
  it("executeParallel() resolves the result with ordered values and the final execution_info", async () => {
    const execution = executeParallel([asyncChild("a", work("A", 20)), asyncChild("b", work("B", 1))], { max_concurrent: 2 });
    const result = await execution.result;
    expect(result.results).toEqual(["A", "B"]);
    expect(result.errors).toBeUndefined();
    expect(result.execution_info).toMatchObject({ total: 2, completed: 2, concurrent_peak: 2 });
    expect(result.execution_info.duration_ms).toBeGreaterThanOrEqual(15);
  });

  it("executeParallel() rejects the result with a ParallelExecutionError on fail-fast", async () => {
    const boom = asyncChild("boom", async () => {
      throw new Error("kaput");
    });
    const error = await executeParallel([asyncChild("a", work("A", 50)), boom]).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParallelExecutionError);
    expect(error).toMatchObject({ reason: "child_failed", message: "Node boom failed: kaput", child: { index: 1, name: "boom" } });
  });

  it("executeParallel() resolves with an errors list under continue-partial", async () => {
    const boom = asyncChild("boom", async () => {
      throw new Error("kaput");
    });
    const result = await executeParallel([asyncChild("a", work("A", 1)), boom], { error_handling: "continue-partial" }).result;
    expect(result.results).toEqual(["A", null]);
    expect(result.errors).toEqual([{ index: 1, node: "boom", status: "failed", error: "kaput", attempts: 1 }]);
  });

  it("executeParallel() with zero children resolves with empty results", async () => {
    const result = await executeParallel([]).result;
    expect(result).toEqual({ results: [], execution_info: expect.objectContaining({ total: 0, completed: 0, failed: 0, children: [] }) });
  });

  it("executeParallel() cancel() stops the run: running children are aborted and the result rejects with reason cancelled", async () => {
    const signals: AbortSignal[] = [];
    const child = (name: string) =>
      asyncChild(name, (signal) => {
        signals.push(signal);
        return work(name, 10_000)(signal);
      });
    const execution = executeParallel([child("a"), child("b"), child("c")], { max_concurrent: 2 });
    await sleep(5);
    execution.cancel("user pressed stop");
    const error = (await execution.result.catch((e: unknown) => e)) as ParallelExecutionError;
    expect(error.reason).toBe("cancelled");
    expect(error.message).toBe("Parallel execution cancelled: user pressed stop");
    expect(error.cause).toBe("user pressed stop");
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(error.info).toMatchObject({ total: 3, cancelled: 3 });
    expect(error.errors.map((e) => e.attempts)).toEqual([1, 1, 0]);
  });

  it("executeParallel() cancel() without a reason still names the cancellation", async () => {
    const execution = executeParallel([asyncChild("a", work("a", 10_000))]);
    execution.cancel();
    const error = (await execution.result.catch((e: unknown) => e)) as ParallelExecutionError;
    expect(error.reason).toBe("cancelled");
    expect(error.message).toBe("Parallel execution cancelled: This operation was aborted");
  });

  it("executeParallel() cancel() after the run finished changes nothing", async () => {
    const execution = executeParallel([asyncChild("a", work("a", 1))]);
    const result = await execution.result;
    execution.cancel("too late");
    await expect(execution.result).resolves.toBe(result);
  });

  it("executeParallel() follows the outer signal, and removes its listener from it when done", async () => {
    const outer = new AbortController();
    const execution = executeParallel([asyncChild("a", work("a", 10_000))], {}, { signal: outer.signal });
    expect(getEventListeners(outer.signal, "abort")).toHaveLength(1);
    outer.abort(new Error("shutdown"));
    const error = (await execution.result.catch((e: unknown) => e)) as ParallelExecutionError;
    expect(error.reason).toBe("cancelled");
    expect(error.message).toBe("Parallel execution cancelled: shutdown");
    expect(getEventListeners(outer.signal, "abort")).toHaveLength(0);

    const other = new AbortController();
    await executeParallel([asyncChild("a", work("a", 1))], {}, { signal: other.signal }).result;
    expect(getEventListeners(other.signal, "abort")).toHaveLength(0);
  });

  it("executeParallel() with an already aborted outer signal never calls a child and reports them not started", async () => {
    let calls = 0;
    const child = asyncChild("a", async () => ++calls);
    const outer = AbortSignal.abort("before start");
    const error = (await executeParallel([child, child], {}, { signal: outer }).result.catch((e: unknown) => e)) as ParallelExecutionError;
    expect(calls).toBe(0);
    expect(error.message).toBe("Parallel execution cancelled: before start");
    expect(error.info).toMatchObject({ total: 2, cancelled: 2 });
    expect(getEventListeners(outer, "abort")).toHaveLength(0);
  });

  it("executeParallel() throws invalid options synchronously and adds no listener to the outer signal", () => {
    const outer = new AbortController();
    expect(() => executeParallel([], { max_concurrent: -1 }, { signal: outer.signal })).toThrow(InvalidOptionsError);
    expect(getEventListeners(outer.signal, "abort")).toHaveLength(0);
  });

  it("executeParallel() gives a late subscriber to events the latest event (and so the latest snapshot), then the rest", async () => {
    const execution = executeParallel([asyncChild("a", work("a", 1)), asyncChild("b", work("b", 60))], { max_concurrent: 2 });
    await sleep(30);
    const seen: ParallelEvent<string>[] = [];
    const done = new Promise<void>((resolve) => execution.events.subscribe({ next: (e) => seen.push(e), complete: resolve }));
    // The latest event so far: a succeeded, b still running.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: "succeeded", index: 0 });
    expect(seen[0]!.info).toMatchObject({ completed: 1, running: 1 });
    await done;
    expect(seen.map(eventLabel)).toEqual(["succeeded:0", "succeeded:1", "finished"]);
  });

  it("executeParallel() gives a subscriber that comes after the end the finished event and completion", async () => {
    const execution = executeParallel([asyncChild("a", work("a", 1))]);
    await execution.result;
    const events = await new Promise<ParallelEvent<string>[]>((resolve) => execution.events.pipe(toArray()).subscribe(resolve));
    expect(events.map(eventLabel)).toEqual(["finished"]);
  });

  it("executeParallel() calls onEvent synchronously with every event, from the first, in the order parallel() emits them", () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, flush }) => {
      const children: Child<string>[] = ["--a|", "-#", "---c|"].map((m, i) => ({ name: `c${i}`, run: () => cold(m) }));
      const options = { max_concurrent: 2, error_handling: "continue-partial" } as const;
      const viaOnEvent: string[] = [];
      executeParallel(children, options, { scheduler, onEvent: (e) => viaOnEvent.push(`${eventLabel(e)}@${scheduler.now()}`) });
      // Subscribed at once: the first children started before executeParallel returned.
      expect(viaOnEvent).toEqual(["started:0@0", "started:1@0"]);
      const viaParallel: string[] = [];
      parallel(children, options, { scheduler }).subscribe((e) => viaParallel.push(`${eventLabel(e)}@${scheduler.now()}`));
      flush();
      expect(viaOnEvent).toEqual(viaParallel);
      expect(viaOnEvent).toEqual(["started:0@0", "started:1@0", "failed:1@1", "started:2@1", "succeeded:0@2", "succeeded:2@4", "finished@4"]);
    });
  });

  it("executeParallel() leaves no unhandled rejection when only the events are watched", async () => {
    const boom = asyncChild("boom", async () => {
      throw new Error("nobody awaits me");
    });
    const execution = executeParallel([boom]);
    const last = await new Promise<ParallelEvent<unknown>>((resolve) => {
      let latest: ParallelEvent<unknown> | undefined;
      execution.events.subscribe({ next: (e) => (latest = e), complete: () => resolve(latest!) });
    });
    expect(last).toMatchObject({ type: "finished", outcome: "failed" });
    await sleep(10);
    expect(unhandled).toEqual([]);
    // Awaiting still throws.
    await expect(execution.result).rejects.toThrow("Node boom failed: nobody awaits me");
  });

  it("executeParallel() still publishes and settles when onEvent throws, and reports the listener's error as unhandled", async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const execution = executeParallel([asyncChild("a", work("A", 1))], {}, {
        onEvent: () => {
          throw new Error("bad listener");
        },
      });
      const labels: string[] = [];
      execution.events.subscribe((e) => labels.push(eventLabel(e)));
      await expect(execution.result).resolves.toMatchObject({ results: ["A"] });
      expect(labels).toEqual(["started:0", "succeeded:0", "finished"]);
      await sleep(5);
      expect(reported.map((e) => (e as Error).message)).toEqual(["bad listener", "bad listener", "bad listener"]);
    } finally {
      config.onUnhandledError = previous;
    }
  }, 5_000);

  it("executeParallel() runs the children once for both the events and the result", async () => {
    let calls = 0;
    const execution = executeParallel([asyncChild("a", async () => ++calls)]);
    execution.events.subscribe();
    execution.events.subscribe();
    await execution.result;
    expect(calls).toBe(1);
  });
});
