import { afterEach, describe, expect, it } from "vitest";
import { WorkerCrashedError, WorkerHeapLimitError, WorkerPool } from "../../../src/runtimes/worker/index.js";
import { chunkStatsNode, fixture } from "./fixture.js";

let pool: WorkerPool;
afterEach(() => pool.destroy());

const crash = (mode: string) =>
  pool.run({ modulePath: fixture("crashing-node.mjs"), name: `crash-${mode}`, ctx: {}, inputs: { mode } });
const stats = (rounds: number) =>
  pool.run({ modulePath: chunkStatsNode, name: "stats", ctx: {}, inputs: { values: [1, 2, 3, 4], rounds } });

describe("WorkerPool.run() thread crashes", () => {
  it("WorkerPool.run() fails only the task whose node calls process.exit; the sibling thread finishes", async () => {
    pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
    const [crashed, sibling] = await Promise.allSettled([crash("exit"), stats(200_000)]);

    expect(crashed.status).toBe("rejected");
    const error = (crashed as PromiseRejectedResult).reason as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ name: "WorkerCrashedError", nodeName: "crash-exit", runtime: "worker" });
    expect(error.message).toBe('Worker thread running node "crash-exit" crashed: worker exited with code: 3');
    expect(sibling).toMatchObject({ status: "fulfilled", value: { data: { count: 4 } } });

    // The dead thread is gone and replaced (minThreads: 2), and the pool keeps serving.
    await expect.poll(() => pool.stats(), { interval: 5, timeout: 2_000 }).toMatchObject({ terminated: 1, threads: 2 });
    await expect(stats(1)).resolves.toMatchObject({ data: { count: 4 } });
    expect(pool.stats()).toMatchObject({ crashed: 1, completed: 2, failed: 0 });
  });

  it("WorkerPool.run() starts a new thread for a task queued behind a crash, even with minThreads 0", async () => {
    pool = new WorkerPool({ maxThreads: 1, minThreads: 0 });
    const [crashed, queued] = await Promise.allSettled([crash("exit"), stats(1)]);
    expect((crashed as PromiseRejectedResult).reason).toBeInstanceOf(WorkerCrashedError);
    expect(queued).toMatchObject({ status: "fulfilled", value: { data: { count: 4 } } });
  });

  it("WorkerPool.run() reports an error escaping from a node's timer as a crash of that node, with the error as cause", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = (await crash("timer").catch((e: unknown) => e)) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toBe('Worker thread running node "crash-timer" crashed: escaped from a timer');
    expect(error.cause).toMatchObject({ name: "RangeError", code: "E_TIMER" });
    await expect(stats(1)).resolves.toMatchObject({ data: { count: 4 } });
  });

  it("WorkerPool.run() fails a node allocating past maxHeapMb with WorkerHeapLimitError naming it and the cap; the thread is replaced, the host stays well under", async () => {
    pool = new WorkerPool({ maxThreads: 1, maxHeapMb: 32 });
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const error = (await crash("oom").catch((e: unknown) => e)) as WorkerHeapLimitError;
    clearInterval(sampler);
    expect(error).toBeInstanceOf(WorkerHeapLimitError);
    expect(error).toMatchObject({ name: "WorkerHeapLimitError", nodeName: "crash-oom", limitMb: 32, runtime: "worker" });
    expect(error.message).toBe('Worker thread running node "crash-oom" exceeded its 32 MB heap limit (raise it with --worker-heap-mb or the pool\'s maxHeapMb)');
    expect(error.cause).toMatchObject({ code: "ERR_WORKER_OUT_OF_MEMORY" });
    // The whole process (host and thread) grew by a few times the cap at most, not by gigabytes.
    expect((peak - before) / 2 ** 20).toBeLessThan(32 * 8);
    await expect(stats(1)).resolves.toMatchObject({ data: { count: 4 } });
    expect(pool.stats()).toMatchObject({ crashed: 1, completed: 1, started: 2 });
  });

  it("WorkerPool.run() does not blame the next task for a timer a finished node left behind", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    await expect(crash("orphan-timer")).resolves.toMatchObject({ data: "settled" });
    // The leftover timer kills the idle thread; no task was running, so none fails.
    await expect.poll(() => pool.stats(), { interval: 5, timeout: 2_000 }).toMatchObject({ orphanErrors: 1, terminated: 1 });
    await expect(stats(1)).resolves.toMatchObject({ data: { count: 4 } });
    expect(pool.stats()).toMatchObject({ crashed: 0, completed: 2 });
  });
});
