/**
 * Nothing outlives a run: after success, fail-fast, a per-child timeout, the global timeout, a
 * cancel, a failure budget and an unsubscription, no timer is left (active `Timeout` resources
 * compared before/after) and no abort listener remains on any signal the run was given.
 */
import { getEventListeners } from "node:events";
import { setImmediate as tick, setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asyncChild, type Child, executeParallel, type ExecutionOptionsInput, parallel } from "../../src/core/index.js";

const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

/** Signals handed to children in this test, to check that none keeps a listener. */
let childSignals: AbortSignal[] = [];
/** Timers active before the run, measured in the test body (hooks have timers of their own). */
let timersBefore = 0;

async function baseline() {
  // vitest's runner reports task updates through a 100 ms throttle whose pending setTimeout
  // would vanish mid-test and skew the count: let it fire first.
  await sleep(150);
  await tick();
  timersBefore = activeTimers();
}

beforeEach(() => {
  childSignals = [];
});

/** Counts timers once pending callbacks of the finished run had a chance to run. */
async function expectNoLeftovers(outer?: AbortSignal) {
  await tick();
  expect(activeTimers()).toBe(timersBefore);
  for (const signal of childSignals) expect(getEventListeners(signal, "abort")).toHaveLength(0);
  if (outer) expect(getEventListeners(outer, "abort")).toHaveLength(0);
}

afterEach(() => {
  childSignals = [];
});

/** A child that honours its signal: its own timer and listener go when it settles or aborts. */
function child<T>(name: string, value: T, ms: number, fail = false): Child<T> {
  return asyncChild(name, (signal) => {
    childSignals.push(signal);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        if (fail) reject(new Error(`${name} failed`));
        else resolve(value);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  });
}

/** Options that arm every timer the executor has. */
const armed: ExecutionOptionsInput = { timeout: 5_000, global_timeout: 10_000, max_concurrent: 2 };

async function settle(execution: { result: Promise<unknown> }) {
  return execution.result.catch((error: unknown) => error);
}

describe("parallel() leaves nothing behind", () => {
  it("parallel() leaves no timer or listener after a successful run with timeouts, retries and sampled progress", async () => {
    await baseline();
    const outer = new AbortController();
    let tries = 0;
    const flaky = asyncChild<number | string>("flaky", async () => {
      if (++tries === 1) throw new Error("once");
      return "ok";
    });
    const execution = executeParallel<number | string>([child("a", 1, 5), flaky, child("c", 3, 10)], { ...armed, retry: { attempts: 2, delay_ms: 5 } }, {
      signal: outer.signal,
      progress: { sample_ms: 2 },
    });
    expect(activeTimers()).toBeGreaterThan(timersBefore);
    const result = await execution.result;
    expect(result.results).toEqual([1, "ok", 3]);
    await expectNoLeftovers(outer.signal);
  });

  it("parallel() leaves no timer or listener after fail-fast cancelled running siblings", async () => {
    await baseline();
    const outer = new AbortController();
    const error = await settle(executeParallel([child("a", 1, 10_000), child("b", 2, 5, true), child("c", 3, 10_000), child("d", 4, 1)], armed, { signal: outer.signal }));
    expect(error).toMatchObject({ reason: "child_failed" });
    expect(childSignals.filter((s) => s.aborted)).toHaveLength(1);
    await expectNoLeftovers(outer.signal);
  });

  it("parallel() leaves no timer or listener after a per-child timeout", async () => {
    await baseline();
    const error = await settle(executeParallel([child("slow", 1, 10_000), child("sibling", 2, 10_000)], { ...armed, timeout: 10 }));
    expect(error).toMatchObject({ reason: "child_timed_out" });
    expect(childSignals.every((s) => s.aborted)).toBe(true);
    await expectNoLeftovers();
  });

  it("parallel() leaves no timer or listener after the global timeout cut a running child and one in backoff", async () => {
    await baseline();
    const failing = asyncChild("failing", async (signal) => {
      childSignals.push(signal);
      throw new Error("always");
    });
    const options = { ...armed, global_timeout: 20, retry: { attempts: 5, delay_ms: 5_000 } };
    const error = await settle(executeParallel([child("long", 1, 10_000), failing, child("queued", 3, 1)], options));
    expect(error).toMatchObject({ reason: "global_timeout", info: { retried: 1, cancelled: 3 } });
    await expectNoLeftovers();
  });

  it("parallel() leaves no timer or listener after cancel()", async () => {
    await baseline();
    const outer = new AbortController();
    const execution = executeParallel([child("a", 1, 10_000), child("b", 2, 10_000), child("c", 3, 10_000)], armed, {
      signal: outer.signal,
      progress: { sample_ms: 1 },
    });
    await sleep(5);
    execution.cancel();
    expect(await settle(execution)).toMatchObject({ reason: "cancelled" });
    await expectNoLeftovers(outer.signal);
  });

  it("parallel() leaves no timer or listener after the outer signal aborted", async () => {
    await baseline();
    const outer = new AbortController();
    const execution = executeParallel([child("a", 1, 10_000)], armed, { signal: outer.signal });
    await sleep(2);
    outer.abort();
    expect(await settle(execution)).toMatchObject({ reason: "cancelled" });
    await expectNoLeftovers(outer.signal);
  });

  it("parallel() leaves no timer or listener after the failure budget was exceeded", async () => {
    await baseline();
    const options: ExecutionOptionsInput = { ...armed, max_concurrent: 4, error_handling: "continue-partial", tolerated_failures: 1 };
    const error = await settle(executeParallel([child("a", 1, 2, true), child("b", 2, 4, true), child("c", 3, 10_000), child("d", 4, 10_000)], options));
    expect(error).toMatchObject({ reason: "failure_budget_exceeded" });
    await expectNoLeftovers();
  });

  it("parallel() leaves no timer or listener once the run is unsubscribed", async () => {
    await baseline();
    const signal = new AbortController().signal;
    const subscription = parallel([child("a", 1, 10_000), child("b", 2, 10_000), child("c", 3, 1)], armed, { signal, progress: { sample_ms: 1 } }).subscribe();
    await sleep(3);
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    subscription.unsubscribe();
    expect(childSignals).toHaveLength(2);
    expect(childSignals.every((s) => s.aborted)).toBe(true);
    await expectNoLeftovers(signal);
  });
});
