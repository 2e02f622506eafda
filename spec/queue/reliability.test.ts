import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "./redisServer.js";
import { type Any, containerWorkflow, jobKeys, killAll, markerDir, queueEnvironment, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "./support.js";

// Short locks so a dead worker's jobs come back within ~2 s (BullMQ's defaults are 30 s).
const FAST_RECOVERY = { lockDuration: 1_000, stalledInterval: 500 };

const vars = (run: { ctx: { vars?: Record<string, unknown> } }) => run.ctx.vars!.fan as Any;
const startedBy = (markers: string, pid: number) =>
  readdirSync(markers).filter((f) => f.endsWith(".started") && readFileSync(join(markers, f), "utf8") === String(pid));

describe.skipIf(!redisServerPath)(`queue backend: dead and stopping workers${needsRedis}`, () => {
  let redis: RedisServer;
  let admin: Redis;
  let workers: WorkerProcess[] = [];
  let harness: ReturnType<typeof queueEnvironment>;

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    admin = redis.client();
    harness = queueEnvironment(testConnector(redis.url));
  });
  afterEach(async () => {
    await killAll(workers);
    workers = [];
  });
  afterAll(async () => {
    admin?.disconnect();
    await harness?.env.close();
    await redis?.stop();
  });

  const sleepers = (queue: string, count: number, ms: number, markers: string, window = 4) =>
    containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue }, max_concurrent: window, timeout: 30_000 }, map: { items: Array.from({ length: count }, (_, i) => i), node: { name: "nap", node: "sleep", type: "local" } } },
      { nap: { inputs: { ms, marker_dir: markers } } },
    );

  it("a worker SIGKILLed mid-run loses nothing: its jobs are recovered (stalled) and completed by the other worker, in order", async () => {
    const queue = uniqueQueue("sigkill");
    const markers = markerDir();
    const [victim, survivor] = (workers = await Promise.all([spawnWorker(redis.url, { queue, ...FAST_RECOVERY }), spawnWorker(redis.url, { queue, ...FAST_RECOVERY })])) as [WorkerProcess, WorkerProcess];
    const run = harness.run(sleepers(queue, 8, 700, markers));
    await vi.waitFor(() => expect(startedBy(markers, victim.pid).length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const killedWhileRunning = startedBy(markers, victim.pid).map((f) => f.split(".")[0]!);
    victim.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    const output = vars(await run);
    expect(output.results.map((r: Any) => r.marker)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(output.execution_info).toMatchObject({ total: 8, completed: 8, failed: 0 });
    // What the victim was running when it died was finished by the survivor.
    for (const index of killedWhileRunning) expect(output.results[Number(index)].pid).toBe(survivor.pid);
    expect(output.results.every((r: Any) => r.pid === survivor.pid || r.pid === victim.pid)).toBe(true);
    expect(survivor.stderr()).toContain("of a dead worker was put back in the queue");
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("SIGTERM: the worker takes no new job, finishes its running one, and exits 0; the other worker does the rest", async () => {
    const queue = uniqueQueue("sigterm");
    const markers = markerDir();
    const [stopping, other] = (workers = await Promise.all([spawnWorker(redis.url, { queue, shutdownGrace: 10_000 }), spawnWorker(redis.url, { queue })])) as [WorkerProcess, WorkerProcess];
    const run = harness.run(sleepers(queue, 6, 600, markers));
    await vi.waitFor(() => expect(startedBy(markers, stopping.pid).length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const running = startedBy(markers, stopping.pid).map((f) => f.split(".")[0]!);
    stopping.kill("SIGTERM");
    const exit = await stopping.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // Its running jobs finished there (not aborted, not returned).
    for (const index of running) {
      expect(existsSync(join(markers, `${index}.finished`))).toBe(true);
      expect(existsSync(join(markers, `${index}.aborted`))).toBe(false);
    }
    expect(stopping.stderr()).toContain("SIGTERM: shutting down gracefully");
    const output = vars(await run);
    expect(output.results.map((r: Any) => r.marker)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const index of running) expect(output.results[Number(index)].pid).toBe(stopping.pid);
    // Everything it had not started went to the other worker.
    expect(startedBy(markers, stopping.pid).length).toBe(running.length);
    expect(output.results.filter((r: Any) => r.pid === other.pid).length).toBe(6 - running.length);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("SIGTERM with a job longer than the grace period: the job goes back to the queue and another worker completes it", async () => {
    const queue = uniqueQueue("grace");
    const markers = markerDir();
    const stopping = await spawnWorker(redis.url, { queue, shutdownGrace: 200, concurrency: 1 });
    workers = [stopping];
    const run = harness.run(sleepers(queue, 1, 3_000, markers, 1));
    await vi.waitFor(() => expect(startedBy(markers, stopping.pid)).toEqual(["0.started"]), { timeout: 10_000, interval: 20 });
    stopping.kill("SIGTERM");
    expect(await stopping.exited).toEqual({ code: 0, signal: null });
    expect(stopping.stderr()).toContain("to the queue");
    expect(existsSync(join(markers, "0.aborted"))).toBe(true);
    const other = await spawnWorker(redis.url, { queue });
    workers.push(other);
    const output = vars(await run);
    expect(output.results).toEqual([{ marker: 0, slept: 3_000, pid: other.pid }]);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });
});

describe.skipIf(!redisServerPath)(`queue backend: Redis going away${needsRedis}`, () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
  });
  afterEach(async () => {
    await killAll(workers);
    workers = [];
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const napping = (queue: string, ms: number, execution: Record<string, unknown> = {}) =>
    containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue }, max_concurrent: 4, ...execution }, map: { items: [0, 1, 2, 3], node: { name: "nap", node: "sleep", type: "local" } } },
      { nap: { inputs: { ms } } },
    );

  it("survives every connection being dropped mid-run (ioredis reconnects; results complete)", async () => {
    const queue = uniqueQueue("drop");
    workers = await Promise.all([spawnWorker(redis.url, { queue }), spawnWorker(redis.url, { queue })]);
    const harness = queueEnvironment(testConnector(redis.url));
    const admin = redis.client();
    try {
      const run = harness.run(napping(queue, 800));
      await new Promise((r) => setTimeout(r, 300));
      // Drops every client but this one: the session's, the workers' (blocking, pub/sub, commands).
      const killed = await admin.client("KILL", "SKIPME", "yes");
      expect(Number(killed)).toBeGreaterThanOrEqual(6);
      const output = vars(await run);
      expect(output.results.map((r: Any) => r.marker)).toEqual([0, 1, 2, 3]);
      expect(await jobKeys(admin, queue)).toEqual([]);
    } finally {
      admin.disconnect();
      await harness.env.close();
    }
  });

  it("Redis down for good: fails with a clear connection error after connectionLossTimeoutMs, well before the child timeout", async () => {
    const queue = uniqueQueue("down");
    workers = [await spawnWorker(redis.url, { queue })];
    const harness = queueEnvironment(testConnector(redis.url, { connectionLossTimeoutMs: 1_000 }));
    try {
      const run = harness.failure(napping(queue, 5_000, { timeout: 60_000 }));
      await new Promise((r) => setTimeout(r, 300));
      const stoppedAt = performance.now();
      await redis.stop();
      const error = await run;
      expect(error.message).toMatch(new RegExp(`Lost the connection to Redis at redis://127\\.0\\.0\\.1:${redis.port}/? for 1\\.\\d s while child 'nap\\[\\d\\]' was queued or running`));
      expect(performance.now() - stoppedAt).toBeLessThan(5_000);
    } finally {
      await harness.env.close();
      await redis.restart();
    }
  });

  it("Redis restarted empty mid-run: the lost jobs fail at once with a clear error (no wait for the timeout)", async () => {
    const queue = uniqueQueue("lost");
    workers = [await spawnWorker(redis.url, { queue, concurrency: 1 })];
    const harness = queueEnvironment(testConnector(redis.url));
    try {
      const run = harness.failure(napping(queue, 4_000, { timeout: 60_000 }));
      await new Promise((r) => setTimeout(r, 300));
      const restartedAt = performance.now();
      await redis.restart();
      const error = await run;
      expect(error.message).toMatch(/disappeared from Redis at redis:\/\/127\.0\.0\.1:\d+\/? \(restarted without persistence, or flushed\?\)/);
      expect(performance.now() - restartedAt).toBeLessThan(8_000);
    } finally {
      await harness.env.close();
    }
  });

  it("opening a session against an unreachable Redis fails with a clear error within connectTimeoutMs", async () => {
    const harness = queueEnvironment(testConnector("redis://127.0.0.1:1", { connectTimeoutMs: 500 }));
    try {
      const started = performance.now();
      const error = await harness.failure(napping("unreachable", 10));
      expect(error.message).toMatch(/^Cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/? within 500 ms: connect ECONNREFUSED/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await harness.env.close();
    }
  });

  it("without a Redis URL the step fails naming both ways to give one", async () => {
    const harness = queueEnvironment(testConnector(undefined as unknown as string, { env: {} }));
    try {
      const error = await harness.failure(napping("nowhere", 10));
      expect(error.message).toContain('execution.backend "queue" needs a Redis server: set execution.queue.redis_url in the container config or the BLOK_REDIS_URL environment variable');
    } finally {
      await harness.env.close();
    }
  });
});
