import { getEventListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { WorkerPool, WorkerTaskAbortedError } from "../../../src/runtimes/worker/index.js";
import { fixture } from "./fixture.js";

/** Abort-to-rejection budget: piscina rejects inside the abort event, so this is mostly scheduling noise. */
const REJECT_MARGIN_MS = 50;
/** Abort-to-exit budget: terminating a thread stuck in a JS loop takes a few ms on an idle machine. */
const EXIT_MARGIN_MS = 500;

let pool: WorkerPool;
afterEach(() => pool.destroy());

const busy = (signal: AbortSignal, spin = true) =>
  pool.run({ modulePath: fixture("busy-loop.mjs"), name: "spinner", ctx: {}, inputs: { spin } }, { signal });

/** A pool whose one thread is up and has the busy-loop module loaded, so the next task runs at once. */
async function warmPool(): Promise<void> {
  pool = new WorkerPool({ maxThreads: 1 });
  await busy(new AbortController().signal, false);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("WorkerPool.run() cancellation", () => {
  it("WorkerPool.run() stops a busy-looping node on abort: rejects at once, terminates its thread, keeps serving", async () => {
    await warmPool();
    const controller = new AbortController();
    const running = busy(controller.signal).catch((e: unknown) => e);
    await sleep(150);
    expect(pool.stats()).toMatchObject({ threads: 1, queued: 0, terminated: 0 });

    const abortedAt = performance.now();
    controller.abort(new Error("child timeout"));
    const error = await running;
    const rejectedAfter = performance.now() - abortedAt;

    expect(error).toBeInstanceOf(WorkerTaskAbortedError);
    expect(error).toMatchObject({ name: "WorkerTaskAbortedError", nodeName: "spinner", runtime: "worker" });
    expect((error as Error).message).toBe('Node "spinner" was aborted in its worker thread: Error: child timeout');
    expect(rejectedAfter).toBeLessThan(REJECT_MARGIN_MS);

    // The thread running the loop really exits (its 'exit' event is what `terminated` counts).
    await expect.poll(() => pool.stats().terminated, { interval: 2, timeout: EXIT_MARGIN_MS }).toBe(1);
    expect(performance.now() - abortedAt).toBeLessThan(EXIT_MARGIN_MS);
    expect(pool.stats()).toMatchObject({ threads: 0, aborted: 1, crashed: 0 });

    // And a fresh thread takes the next task.
    const next = await busy(new AbortController().signal, false);
    expect(next.data).toBe("ready");
    expect(pool.stats()).toMatchObject({ threads: 1, completed: 2 });
  });

  it("WorkerPool.run() honours AbortSignal.timeout on a busy loop within the timeout plus a small margin", async () => {
    await warmPool();
    const timeoutMs = 200;
    const startedAt = performance.now();
    const error = await busy(AbortSignal.timeout(timeoutMs)).catch((e: unknown) => e);
    const elapsed = performance.now() - startedAt;

    expect(error).toBeInstanceOf(WorkerTaskAbortedError);
    expect((error as Error).cause).toMatchObject({ name: "TimeoutError" });
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 1);
    expect(elapsed).toBeLessThan(timeoutMs + REJECT_MARGIN_MS);
    await expect.poll(() => pool.stats().terminated, { interval: 2, timeout: EXIT_MARGIN_MS }).toBe(1);
  });

  it("WorkerPool.run() drops a queued task on abort without terminating any thread", async () => {
    await warmPool();
    const holder = new AbortController();
    const running = busy(holder.signal).catch((e: unknown) => e);
    const queuedController = new AbortController();
    const queued = busy(queuedController.signal).catch((e: unknown) => e);
    await sleep(50);
    expect(pool.stats().queued).toBe(1);

    queuedController.abort();
    expect(await queued).toBeInstanceOf(WorkerTaskAbortedError);
    expect(pool.stats()).toMatchObject({ queued: 0, terminated: 0, threads: 1 });

    holder.abort();
    expect(await running).toBeInstanceOf(WorkerTaskAbortedError);
    await expect.poll(() => pool.stats().terminated, { interval: 2, timeout: EXIT_MARGIN_MS }).toBe(1);
  });

  it("WorkerPool.run() still starts later tasks after a queued and then the running task are aborted (piscina#805)", async () => {
    await warmPool();
    const first = new AbortController();
    const second = new AbortController();
    const outcomes = [busy(first.signal), busy(second.signal), busy(new AbortController().signal, false)].map((p) =>
      p.catch((e: unknown) => e),
    );
    await sleep(50);
    second.abort();
    first.abort();
    const [one, two, three] = await Promise.all(outcomes);
    expect(one).toBeInstanceOf(WorkerTaskAbortedError);
    expect(two).toBeInstanceOf(WorkerTaskAbortedError);
    expect(three).toMatchObject({ data: "ready" });
  });

  it("WorkerPool.run() gives the aborted task's place to the next queued task at once, not when a sibling frees up", async () => {
    pool = new WorkerPool({ maxThreads: 2, minThreads: 0 });
    // Both threads up and the module loaded, so the two spinners really run before the abort.
    await Promise.all([busy(new AbortController().signal, false), busy(new AbortController().signal, false)]);
    const long = new AbortController();
    const short = new AbortController();
    const running = [busy(long.signal), busy(short.signal)].map((p) => p.catch((e: unknown) => e));
    const next = pool.run({ modulePath: fixture("class-node.mjs"), name: "next", ctx: {}, inputs: {} });
    await sleep(150);
    short.abort();
    const { timing } = await next;
    // It ran on a new thread while the long task was still spinning on the other.
    expect(long.signal.aborted).toBe(false);
    long.abort();
    const [longError, shortError] = await Promise.all(running);
    expect(longError).toBeInstanceOf(WorkerTaskAbortedError);
    expect(shortError).toBeInstanceOf(WorkerTaskAbortedError);
    expect(timing.queue_ms).toBeGreaterThan(100);
    expect(pool.stats()).toMatchObject({ completed: 3, aborted: 2 });
  });

  it("WorkerPool.run() rejects at once for an already aborted signal", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = await busy(AbortSignal.abort("cancelled by caller")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerTaskAbortedError);
    expect((error as Error).message).toBe('Node "spinner" was aborted in its worker thread: cancelled by caller');
    expect(pool.stats()).toMatchObject({ aborted: 1, terminated: 0 });
  });

  it("WorkerPool.run() removes its abort listener once the task settles", async () => {
    await warmPool();
    const controller = new AbortController();
    await busy(controller.signal, false);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
