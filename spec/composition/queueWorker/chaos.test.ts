import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "../../runtimes/queue/redisServer.js";
import { type Any, containerWorkflow, jobKeys, killAll, queueEnvironment, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "../../runtimes/queue/support.js";

// Issue 13, item 4: 300 short children over 3 worker processes, one of them SIGKILLed every few
// seconds and replaced, with the workers' default recovery settings. The run must not notice.
const CHILDREN = 300;
const KILL_EVERY_MS = 2_000;

describe.skipIf(!redisServerPath)(`queue backend under chaos: a worker SIGKILLed every ${KILL_EVERY_MS / 1000} s${needsRedis}`, () => {
  let redis: RedisServer;
  let admin: Redis;
  let harness: ReturnType<typeof queueEnvironment>;
  const queue = uniqueQueue("chaos");
  const everyone: WorkerProcess[] = [];

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    admin = redis.client();
    harness = queueEnvironment(testConnector(redis.url));
  });
  afterAll(async () => {
    await killAll(everyone);
    admin?.disconnect();
    await harness?.env.close();
    await redis?.stop();
  });

  const workflow = (backend: "local" | "queue") =>
    containerWorkflow(
      {
        execution: { backend, queue: { name: queue }, max_concurrent: 12, timeout: 10_000, global_timeout: 100_000 },
        map: { items: Array.from({ length: CHILDREN }, (_, i) => i), node: { name: "step", node: "steady", type: "local" } },
      },
      { step: { inputs: { ms: 400 } } },
    );

  it("every child exactly once, in order, identical to the local backend; no job left in Redis", { timeout: 180_000 }, async () => {
    const spawn = async () => {
      const worker = await spawnWorker(redis.url, { queue, concurrency: 3 });
      everyone.push(worker);
      return worker;
    };
    // One after the other: three TypeScript start-ups at once crawl on a busy machine.
    const live = [await spawn(), await spawn(), await spawn()];
    const local = (await harness.run(workflow("local"))).ctx.vars!.fan as Any;

    let done = false;
    let kills = 0;
    // Round robin; a victim's replacement is up before the next kill, so two workers always serve
    // (and run the stalled check that recovers the victim's jobs).
    const chaos = (async () => {
      for (let slot = 0; !done; slot = (slot + 1) % live.length) {
        await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
        if (done) break;
        live[slot]!.kill("SIGKILL");
        kills++;
        await live[slot]!.exited;
        live[slot] = await spawn();
      }
    })();
    let remote: Any;
    try {
      remote = (await harness.run(workflow("queue"))).ctx.vars!.fan as Any;
    } finally {
      done = true;
      await chaos;
    }

    expect(kills).toBeGreaterThanOrEqual(2);
    expect(remote.results).toEqual(local.results);
    expect(remote.results.map((r: Any) => r.index)).toEqual(Array.from({ length: CHILDREN }, (_, i) => i));
    expect(remote.execution_info).toMatchObject({ total: CHILDREN, completed: CHILDREN, failed: 0, retried: 0 });
    const redelivered = remote.execution_info.children.filter((c: Any) => c.timing.redelivered).length;
    expect(redelivered).toBeGreaterThan(0);
    // Jobs end by deleting themselves; the stalled set empties at the next check.
    await vi.waitFor(async () => expect(await jobKeys(admin, queue)).toEqual([]), { timeout: 10_000, interval: 200 });
    console.error(`chaos: ${kills} workers SIGKILLed, ${redelivered} children re-delivered, ${remote.execution_info.duration_ms} ms`);
  });
});
