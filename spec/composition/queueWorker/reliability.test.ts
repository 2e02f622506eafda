import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "../../runtimes/queue/redisServer.js";
import { type Any, containerWorkflow, jobKeys, killAll, markerDir, queueEnvironment, type SpawnWorkerOptions, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "../../runtimes/queue/support.js";

// Short locks so a dead worker's jobs come back within ~2 s (BullMQ's defaults are 30 s).
const FAST_RECOVERY = { lockDuration: 1_000, stalledInterval: 500 };

const vars = (run: { ctx: { vars?: Record<string, unknown> } }) => run.ctx.vars!.fan as Any;
const startedBy = (markers: string, pid: number) =>
  readdirSync(markers).filter((f) => f.endsWith(".started") && readFileSync(join(markers, f), "utf8") === String(pid));

describe.skipIf(!redisServerPath)(`queue backend: dead and stopping workers${needsRedis}`, () => {
  let redis: RedisServer;
  let admin: Redis;
  // One queue for the whole suite. `steady` (one job at a time) serves it throughout; the others
  // are started, killed or stopped by the tests.
  const queue = uniqueQueue("reliability");
  let steady: WorkerProcess;
  let spawned: WorkerProcess[] = [];
  let harness: ReturnType<typeof queueEnvironment>;

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    admin = redis.client();
    harness = queueEnvironment(testConnector(redis.url));
    steady = await spawnWorker(redis.url, { queue, concurrency: 1, ...FAST_RECOVERY });
    spawned.push(steady);
  });
  afterAll(async () => {
    await killAll(spawned);
    admin?.disconnect();
    await harness?.env.close();
    await redis?.stop();
  });

  const start = async (options: Omit<SpawnWorkerOptions, "queue">) => {
    const worker = await spawnWorker(redis.url, { queue, concurrency: 1, ...FAST_RECOVERY, ...options });
    spawned.push(worker);
    return worker;
  };
  const sleepers = (count: number, ms: number, markers: string, window = 4) =>
    containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue }, max_concurrent: window, timeout: 30_000 }, map: { items: Array.from({ length: count }, (_, i) => i), node: { name: "nap", node: "sleep", type: "local" } } },
      { nap: { inputs: { ms, marker_dir: markers } } },
    );

  it("a worker SIGKILLed mid-run loses nothing: its jobs are recovered (stalled) and completed by the other worker, in order", async () => {
    const markers = markerDir();
    const victim = await start({ concurrency: 2 });
    const run = harness.run(sleepers(8, 700, markers));
    await vi.waitFor(() => expect(startedBy(markers, victim.pid).length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const killedWhileRunning = startedBy(markers, victim.pid).map((f) => f.split(".")[0]!);
    victim.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    const output = vars(await run);
    expect(output.results.map((r: Any) => r.marker)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(output.execution_info).toMatchObject({ total: 8, completed: 8, failed: 0 });
    // What the victim was running when it died was finished by the survivor.
    for (const index of killedWhileRunning) expect(output.results[Number(index)].pid).toBe(steady.pid);
    expect(output.results.every((r: Any) => r.pid === steady.pid || r.pid === victim.pid)).toBe(true);
    expect(steady.stderr()).toContain("of a dead worker was put back in the queue");
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("SIGTERM: the worker takes no new job, finishes its running one, and exits 0; the other worker does the rest", async () => {
    const markers = markerDir();
    const stopping = await start({ shutdownGrace: 10_000 });
    const run = harness.run(sleepers(6, 600, markers));
    await vi.waitFor(() => expect(startedBy(markers, stopping.pid).length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const running = startedBy(markers, stopping.pid).map((f) => f.split(".")[0]!);
    stopping.kill("SIGTERM");
    const exit = await stopping.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // Its running job finished there (not aborted, not returned).
    for (const index of running) {
      expect(existsSync(join(markers, `${index}.finished`))).toBe(true);
      expect(existsSync(join(markers, `${index}.aborted`))).toBe(false);
    }
    expect(stopping.stderr()).toContain("SIGTERM: shutting down gracefully");
    const output = vars(await run);
    expect(output.results.map((r: Any) => r.marker)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const index of running) expect(output.results[Number(index)].pid).toBe(stopping.pid);
    // It took nothing after SIGTERM: everything else went to the other worker.
    expect(startedBy(markers, stopping.pid).length).toBe(running.length);
    expect(output.results.filter((r: Any) => r.pid === steady.pid).length).toBe(6 - running.length);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("SIGTERM with a job longer than the grace period: the job goes back to the queue and another worker completes it", async () => {
    const markers = markerDir();
    const stopping = await start({ shutdownGrace: 200 });
    // Two jobs, two workers with one slot each: one lands on `stopping`.
    const run = harness.run(sleepers(2, 1_500, markers, 2));
    await vi.waitFor(() => expect(startedBy(markers, stopping.pid)).toHaveLength(1), { timeout: 10_000, interval: 20 });
    const [returned] = startedBy(markers, stopping.pid).map((f) => Number(f.split(".")[0]));
    stopping.kill("SIGTERM");
    expect(await stopping.exited).toEqual({ code: 0, signal: null });
    expect(stopping.stderr()).toContain("to the queue");
    expect(existsSync(join(markers, `${returned}.aborted`))).toBe(true);
    const output = vars(await run);
    expect(output.results).toEqual([0, 1].map((marker) => ({ marker, slept: 1_500, pid: steady.pid })));
    expect(await jobKeys(admin, queue)).toEqual([]);
  });
});

describe.skipIf(!redisServerPath)(`queue backend: Redis going away${needsRedis}`, () => {
  let redis: RedisServer;
  // One worker process for the suite: it must ride out every outage below too.
  const queue = uniqueQueue("outage");
  let worker: WorkerProcess;

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    worker = await spawnWorker(redis.url, { queue, concurrency: 4 });
  });
  afterAll(async () => {
    if (worker) await killAll([worker]);
    await redis?.stop();
  });

  const napping = (ms: number, execution: Record<string, unknown> = {}) =>
    containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue }, max_concurrent: 4, ...execution }, map: { items: [0, 1, 2, 3], node: { name: "nap", node: "sleep", type: "local" } } },
      { nap: { inputs: { ms } } },
    );

  it("survives every connection being dropped mid-run (ioredis reconnects; results complete)", async () => {
    const harness = queueEnvironment(testConnector(redis.url));
    const admin = redis.client();
    try {
      const run = harness.run(napping(800));
      await new Promise((r) => setTimeout(r, 300));
      // Drops every client but this one: the session's two, the worker's (commands, blocking, pub/sub).
      const killed = await admin.client("KILL", "SKIPME", "yes");
      expect(Number(killed)).toBeGreaterThanOrEqual(5);
      const output = vars(await run);
      expect(output.results.map((r: Any) => r.marker)).toEqual([0, 1, 2, 3]);
      expect(await jobKeys(admin, queue)).toEqual([]);
    } finally {
      admin.disconnect();
      await harness.env.close();
    }
  });

  it("Redis down for good: fails with a clear connection error after connectionLossTimeoutMs, well before the child timeout", async () => {
    const harness = queueEnvironment(testConnector(redis.url, { connectionLossTimeoutMs: 1_000 }));
    try {
      const run = harness.failure(napping(5_000, { timeout: 60_000 }));
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

  it("Redis restarted empty mid-run: the lost jobs fail at once with a clear error (no wait for the timeout); the worker serves on", async () => {
    const harness = queueEnvironment(testConnector(redis.url));
    try {
      // The worker came back after the previous test's restart: it serves a run.
      expect(vars(await harness.run(napping(10))).results.map((r: Any) => r.pid)).toEqual([worker.pid, worker.pid, worker.pid, worker.pid]);
      const run = harness.failure(napping(4_000, { timeout: 60_000 }));
      await new Promise((r) => setTimeout(r, 300));
      const restartedAt = performance.now();
      await redis.restart();
      const error = await run;
      expect(error.message).toMatch(/disappeared from Redis at redis:\/\/127\.0\.0\.1:\d+\/? \(restarted without persistence, or flushed\?\)/);
      expect(performance.now() - restartedAt).toBeLessThan(8_000);
      expect(worker.process.exitCode).toBeNull();
    } finally {
      await harness.env.close();
    }
  });

  it("opening a session against an unreachable Redis fails with a clear error within connectTimeoutMs", async () => {
    const harness = queueEnvironment(testConnector("redis://127.0.0.1:1", { connectTimeoutMs: 500 }));
    try {
      const started = performance.now();
      const error = await harness.failure(napping(10));
      expect(error.message).toMatch(/^Cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/? within 500 ms: connect ECONNREFUSED/);
      expect(performance.now() - started).toBeLessThan(2_000);
      // A workflow-level error like the container's others: a status and a JSON body naming the step.
      expect(error.context.name).toBe("fan");
      expect(error.context.code).toBe(503);
      expect(error.context.json).toEqual({ error: error.message, reason: "queue_unavailable", queue: queue });
    } finally {
      await harness.env.close();
    }
  });

  it("without a Redis URL the step fails naming both ways to give one", async () => {
    const harness = queueEnvironment(testConnector(undefined as unknown as string, { env: {} }));
    try {
      const error = await harness.failure(napping(10));
      expect(error.message).toContain('execution.backend "queue" needs a Redis server: set execution.queue.redis_url in the container config or the BLOK_REDIS_URL environment variable');
      expect(error.context.code).toBe(500);
      expect(error.context.json).toMatchObject({ reason: "queue_config", queue });
    } finally {
      await harness.env.close();
    }
  });
});
