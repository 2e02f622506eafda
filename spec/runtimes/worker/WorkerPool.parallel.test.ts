import { afterEach, describe, expect, it } from "vitest";
import { WorkerPool } from "../../../src/runtimes/worker/index.js";
import { chunkStatsNode } from "./fixture.js";

let pool: WorkerPool;
afterEach(() => pool.destroy());

describe("WorkerPool.run() parallelism", () => {
  it("WorkerPool.run() runs two CPU-bound nodes at the same time on two threads", async () => {
    pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
    const values = Array.from({ length: 2_000 }, (_, i) => i);
    const chunk = (name: string) => pool.run({ modulePath: chunkStatsNode, name, ctx: {}, inputs: { values, rounds: 2_000 } });
    // Load the module in both threads first, so the timed calls are pure CPU work.
    await Promise.all([chunk("warm-a"), chunk("warm-b")]);

    const [a, b] = await Promise.all([chunk("a"), chunk("b")]);

    expect(a.timing.thread_id).not.toBe(b.timing.thread_id);
    // Each interval is reported by the thread that ran it, on a clock shared by all threads.
    // Overlap: each started before the other ended. On one event loop they would be disjoint.
    expect(a.timing.started_at).toBeLessThan(b.timing.ended_at);
    expect(b.timing.started_at).toBeLessThan(a.timing.ended_at);
    const overlap = Math.min(a.timing.ended_at, b.timing.ended_at) - Math.max(a.timing.started_at, b.timing.started_at);
    expect(overlap).toBeGreaterThan(0.5 * Math.min(a.timing.work_ms, b.timing.work_ms));
  });
});
