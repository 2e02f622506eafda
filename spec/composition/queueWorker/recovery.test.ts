import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "../../runtimes/queue/redisServer.js";
import { type Any, containerWorkflow, jobKeys, killAll, markerDir, queueEnvironment, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "../../runtimes/queue/support.js";

// Issue 13, items 1 to 3, with the workers' DEFAULT recovery settings (no --lock-duration or
// --stalled-interval): dead workers, slow workers, workers presumed dead that come back.
const vars = (run: { ctx: { vars?: Record<string, unknown> } }) => run.ctx.vars!.fan as Any;
const startedPid = (markers: string, marker: number | string) => {
  try {
    return Number(readFileSync(join(markers, `${marker}.started`), "utf8"));
  } catch {
    return undefined;
  }
};

describe.skipIf(!redisServerPath)(`queue backend: prompt recovery, attempt timeouts, at-least-once${needsRedis}`, () => {
  let redis: RedisServer;
  let admin: Redis;
  let harness: ReturnType<typeof queueEnvironment>;
  let spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    admin = redis.client();
    harness = queueEnvironment(testConnector(redis.url));
  });
  afterEach(async () => {
    for (const worker of spawned) if (worker.process.signalCode === null && worker.process.exitCode === null) worker.kill("SIGCONT");
    await killAll(spawned);
    spawned = [];
  });
  afterAll(async () => {
    admin?.disconnect();
    await harness?.env.close();
    await redis?.stop();
  });

  const start = async (queue: string, concurrency = 1) => {
    const worker = await spawnWorker(redis.url, { queue, concurrency });
    spawned.push(worker);
    return worker;
  };
  const naps = (queue: string, items: unknown[], markers: string, execution: Record<string, unknown> = {}) =>
    containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue }, max_concurrent: 4, ...execution }, map: { items, node: { name: "nap", node: "sleep", type: "local" } } },
      { nap: { inputs: { ms: "js/ctx.item", marker_dir: markers } } },
    );

  it("a SIGKILLed worker's job starts again on another worker within 5 s (no 30 s lock), as the same attempt with its timer restarted", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("recover");
    const markers = markerDir();
    const workers = [await start(queue), await start(queue)];
    // timeout 8 s for a 6 s job: it holds only if the attempt is timed from the second worker's
    // start (kill + recovery + 6 s is more), and the first worker's start (no 30 s lock wait).
    const run = harness.run(naps(queue, [6_000], markers, { timeout: 8_000 }));
    await vi.waitFor(() => expect(startedPid(markers, 0)).toBeDefined(), { timeout: 10_000, interval: 20 });
    const victim = workers.find((w) => w.pid === startedPid(markers, 0))!;
    const survivor = workers.find((w) => w !== victim)!;
    victim.kill("SIGKILL");
    const killedAt = performance.now();
    await vi.waitFor(() => expect(startedPid(markers, 0)).toBe(survivor.pid), { timeout: 8_000, interval: 20 });
    const recoveryMs = performance.now() - killedAt;
    expect(recoveryMs).toBeLessThan(5_000);
    const output = vars(await run);
    expect(output.results).toEqual([{ marker: 0, slept: 6_000, pid: survivor.pid }]);
    expect(output.execution_info).toMatchObject({ completed: 1, failed: 0, retried: 0 });
    expect(output.execution_info.children[0]).toMatchObject({ status: "succeeded", attempts: 1, timing: expect.objectContaining({ redelivered: 1 }) });
    expect(survivor.stderr()).toContain("of a dead worker was put back in the queue");
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("a worker blocked by a long synchronous node (longer than the lock) is not presumed dead: the job runs once", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("slow");
    const markers = markerDir();
    const [first, second] = [await start(queue), await start(queue)];
    const workflow = containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue } }, map: { items: [0], node: { name: "busy", node: "block", type: "local" } } },
      { busy: { inputs: { ms: 7_000, marker_dir: markers } } },
    );
    const output = vars(await harness.run(workflow));
    const starts = readFileSync(join(markers, "started"), "utf8").trim().split("\n").map(Number);
    expect(starts).toHaveLength(1);
    expect([first!.pid, second!.pid]).toContain(output.results[0].pid);
    expect(output.execution_info.children[0].timing.redelivered).toBeUndefined();
    expect(first!.stderr() + second!.stderr()).not.toContain("put back in the queue");
  });

  it("timeout counts from the worker's start, not the wait in the queue (one slot, three jobs of 0.7 s, timeout 1 s)", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("timeout");
    await start(queue);
    const output = vars(await harness.run(naps(queue, [700, 700, 700], markerDir(), { timeout: 1_000 })));
    expect(output.execution_info).toMatchObject({ completed: 3, failed: 0 });
    for (const child of output.execution_info.children) expect(child.timing.queue_ms).toBeGreaterThanOrEqual(0);
    expect(Math.max(...output.execution_info.children.map((c: Any) => c.timing.queue_ms))).toBeGreaterThan(1_000);
  });

  it("a job running past its timeout on a worker still times out (timed_out, ChildTimeoutError message)", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("overrun");
    await start(queue);
    const error = await harness.failure(naps(queue, [5_000], markerDir(), { timeout: 500 }));
    expect(error.message).toContain("Node nap[0] timed out after 500ms");
    await vi.waitFor(async () => expect(await jobKeys(admin, queue)).toEqual([]), { timeout: 5_000 });
  });

  it("queue_timeout: a child no worker takes fails with a clear error, and its job leaves Redis", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("unserved");
    const started = performance.now();
    const error = await harness.failure(naps(queue, [10], markerDir(), { queue_timeout: 400, global_timeout: 20_000 }));
    expect(error.message).toContain(`Child 'nap[0]' of parallel-execution step 'fan' waited 400 ms in queue '${queue}' without a worker taking it (execution.queue_timeout)`);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("at-least-once: a worker presumed dead (SIGSTOP) that finishes first gives THE result; the second run is stopped", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("first");
    const markers = markerDir();
    const frozen = await start(queue);
    const run = harness.run(naps(queue, [1_500], markers));
    await vi.waitFor(() => expect(startedPid(markers, 0)).toBe(frozen.pid), { timeout: 10_000, interval: 20 });
    frozen.kill("SIGSTOP");
    const other = await start(queue);
    await vi.waitFor(() => expect(startedPid(markers, 0)).toBe(other.pid), { timeout: 10_000, interval: 20 });
    // Back: its 1.5 s are long over, so it finishes at once, before the other run.
    frozen.kill("SIGCONT");
    const output = vars(await run);
    expect(output.results).toEqual([{ marker: 0, slept: 1_500, pid: frozen.pid }]);
    expect(output.execution_info.children[0].timing.redelivered).toBe(1);
    await vi.waitFor(() => expect(frozen.stderr()).toContain("finished after its lock was taken away: result handed over as a late result"), { timeout: 5_000 });
    await vi.waitFor(async () => expect(await jobKeys(admin, queue)).toEqual([]), { timeout: 5_000 });
  });

  it("at-least-once: a result that comes second (the job ran twice) is dropped and counted", { timeout: 60_000 }, async () => {
    const queue = uniqueQueue("second");
    const markers = markerDir();
    const frozen = await start(queue);
    // Child 0 lands on `frozen`; child 1 holds the run open on the other worker meanwhile.
    const run = harness.run(naps(queue, [1_000, 9_000], markers));
    await vi.waitFor(() => expect(startedPid(markers, 0)).toBe(frozen.pid), { timeout: 10_000, interval: 20 });
    frozen.kill("SIGSTOP");
    const other = await start(queue, 2);
    await vi.waitFor(() => expect(startedPid(markers, 0)).toBe(other.pid), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(readFileSync(join(markers, "0.finished"), "utf8")).toBe(String(other.pid)), { timeout: 5_000, interval: 20 });
    frozen.kill("SIGCONT");
    const output = vars(await run);
    expect(output.results.map((r: Any) => r.pid)).toEqual([other.pid, other.pid]);
    expect(output.execution_info.children[0].timing).toMatchObject({ redelivered: 1, duplicates: 1 });
    expect(output.execution_info.late_settlements).toBe(1);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });
});
