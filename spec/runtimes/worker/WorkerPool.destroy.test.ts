import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { WorkerPool, WorkerPoolDestroyedError } from "../../../src/runtimes/worker/index.js";
import { fixture } from "./fixture.js";

let pool: WorkerPool;
afterEach(() => pool.destroy());

const echo = () => pool.run({ modulePath: fixture("class-node.mjs"), name: "echo", ctx: {}, inputs: {} });
const spin = () => pool.run({ modulePath: fixture("busy-loop.mjs"), name: "spinner", ctx: {}, inputs: {} });

describe("WorkerPool.destroy()", () => {
  it("WorkerPool.destroy() resolves once every thread has exited", async () => {
    pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
    await Promise.all([echo(), echo(), echo()]);
    expect(pool.stats().threads).toBe(2);

    await pool.destroy();
    expect(pool.stats()).toMatchObject({ threads: 0, terminated: 2, completed: 3 });
  });

  it("WorkerPool.destroy() hard-kills running and queued tasks, which reject with WorkerPoolDestroyedError", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const running = spin().catch((e: unknown) => e);
    const queued = echo().catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 150));

    await pool.destroy();
    for (const error of [await running, await queued]) {
      expect(error).toBeInstanceOf(WorkerPoolDestroyedError);
    }
    expect((await running) as Error).toMatchObject({ nodeName: "spinner", message: 'Cannot run node "spinner" as its worker pool has been destroyed' });
    expect(pool.stats()).toMatchObject({ threads: 0, aborted: 2, terminated: 1 });
  });

  it("WorkerPool.destroy() also waits for threads terminated earlier by an abort", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const controller = new AbortController();
    const running = pool
      .run({ modulePath: fixture("busy-loop.mjs"), name: "spinner", ctx: {}, inputs: {} }, { signal: controller.signal })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    await running;
    await pool.destroy();
    expect(pool.stats()).toMatchObject({ threads: 0, terminated: 1 });
  });

  it("WorkerPool.destroy() right after aborts and crashes leaves no thread behind, not even a late replacement", async () => {
    for (let round = 0; round < 5; round++) {
      pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
      const controller = new AbortController();
      const outcomes = Promise.allSettled([
        pool.run({ modulePath: fixture("busy-loop.mjs"), name: "spinner", ctx: {}, inputs: {} }, { signal: controller.signal }),
        pool.run({ modulePath: fixture("crashing-node.mjs"), name: "crash", ctx: {}, inputs: { mode: "exit" } }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await pool.destroy();
      await outcomes;
      // A replacement started by a late 'exit' would show up here, after destroy() resolved.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stats = pool.stats();
      expect(stats.threads).toBe(0);
      expect(stats.terminated).toBe(stats.started);
    }
  });

  it("WorkerPool.destroy() is idempotent and makes run() reject with WorkerPoolDestroyedError", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    await echo();
    const first = pool.destroy();
    expect(pool.destroy()).toBe(first);
    await first;
    await expect(echo()).rejects.toThrow(new WorkerPoolDestroyedError("echo"));
    expect(pool.stats()).toMatchObject({ threads: 0, completed: 1, aborted: 0 });
  });

  it("WorkerPool.destroy() leaves nothing that keeps a process alive (the process exits by itself)", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fixture("run-then-destroy.ts")], {
      timeout: 20_000,
    });
    const report = JSON.parse(stdout) as { outcomes: string[]; stats: Record<string, number> };
    expect(report.outcomes).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(report.stats).toMatchObject({ threads: 0, completed: 1, aborted: 1, crashed: 1 });
    // Every thread it ever started (how many depends on when replacements come) has exited.
    expect(report.stats.started).toBeGreaterThanOrEqual(2);
    expect(report.stats.terminated).toBe(report.stats.started);
  });
});
