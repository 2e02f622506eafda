import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "./redisServer.js";
import { type Any, containerWorkflow, jobKeys, killAll, markerDir, queueEnvironment, queueKeys, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "./support.js";

// Two real worker processes (`blok-parallel worker`, concurrency 1 each: two slots, so a window
// of four always has jobs waiting in Redis) serve one queue; the container runs in this process.
describe.skipIf(!redisServerPath)(`queue backend with two worker processes${needsRedis}`, () => {
  let redis: RedisServer;
  let admin: Redis;
  let workers: WorkerProcess[] = [];
  const queue = uniqueQueue("backend");
  let harness: ReturnType<typeof queueEnvironment>;

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    admin = redis.client();
    workers = await Promise.all([spawnWorker(redis.url, { queue, concurrency: 1 }), spawnWorker(redis.url, { queue, concurrency: 1 })]);
    harness = queueEnvironment(testConnector(redis.url));
  });

  afterAll(async () => {
    await killAll(workers);
    admin?.disconnect();
    await harness?.env.close();
    await redis?.stop();
  });

  const onQueue = (execution: Record<string, unknown>) => ({ ...execution, backend: "queue", queue: { name: queue } });
  const vars = (run: { ctx: { vars?: Record<string, unknown> } }) => run.ctx.vars!.fan as Any;

  it("gives the same results, in the same order, as the local backend (map mode, nodes mode), spread over both workers", async () => {
    const items = Array.from({ length: 12 }, (_, i) => i + 1);
    const map = (backend: string) =>
      containerWorkflow(
        { execution: { ...(backend === "queue" ? onQueue({}) : {}), max_concurrent: 4 }, map: { items: "js/ctx.request.body.items", node: { name: "sq", node: "square", type: "local" } } },
        { sq: { inputs: { n: "js/ctx.item", literal: "js/ctx.request.body.template" } } },
      );
    // A string that looks like an expression, in the DATA: it must come back as is, never evaluated.
    const body = { items, tag: "T", template: "js/process.exit(3)" };
    const local = vars(await harness.run(map("local"), body));
    const remote = vars(await harness.run(map("queue"), body));
    expect(remote.results).toEqual(local.results);
    expect(remote.results.map((r: Any) => r.square)).toEqual(items.map((n) => n * n));
    expect(remote.results[0].literal).toBe("js/process.exit(3)");
    expect(remote.execution_info).toMatchObject({ total: 12, completed: 12, failed: 0 });
    expect(remote.execution_info.children[0]).toMatchObject({ runtime: "queue", status: "succeeded" });
    expect(Object.keys(remote.execution_info.children[0].timing)).toEqual(expect.arrayContaining(["queue_ms", "work_ms", "total_ms"]));

    const nodes = (backend: string) =>
      containerWorkflow(
        {
          execution: { ...(backend === "queue" ? onQueue({}) : {}), max_concurrent: 3 },
          nodes: ["a", "b", "c", "d"].map((name) => ({ name, node: "sleep", type: "local" })),
        },
        Object.fromEntries(["a", "b", "c", "d"].map((name, i) => [name, { inputs: { marker: name, ms: [120, 10, 60, 0][i] } }])),
      );
    const localNodes = vars(await harness.run(nodes("local")));
    const remoteNodes = vars(await harness.run(nodes("queue")));
    const strip = (results: Any[]) => results.map(({ pid: _pid, ...rest }) => rest);
    expect(strip(remoteNodes.results)).toEqual(strip(localNodes.results));
    expect(remoteNodes.results.map((r: Any) => r.marker)).toEqual(["a", "b", "c", "d"]);
    // Both worker processes took part (a and c overlap, and each worker runs one job at a time).
    expect(new Set(remoteNodes.results.map((r: Any) => r.pid))).toEqual(new Set(workers.map((w) => w.pid)));
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("continue-partial: the same errors and attempts as the local backend (each retry is a new job)", async () => {
    const workflow = (backend: string) =>
      containerWorkflow(
        {
          execution: { ...(backend === "queue" ? onQueue({}) : {}), error_handling: "continue-partial", retry: { attempts: 2, delay_ms: 10 } },
          nodes: [
            { name: "ok", node: "square", type: "local" },
            { name: "bad", node: "fail", type: "local" },
            { name: "ok2", node: "square", type: "local" },
          ],
        },
        { ok: { inputs: { n: 2 } }, bad: { inputs: { message: "exploded on purpose" } }, ok2: { inputs: { n: 3 } } },
      );
    const local = vars(await harness.run(workflow("local")));
    const remote = vars(await harness.run(workflow("queue")));
    expect(remote.results).toEqual(local.results);
    expect(remote.results[1]).toBeNull();
    expect(remote.errors).toEqual(local.errors);
    expect(remote.errors).toEqual([{ index: 1, node: "bad", status: "failed", error: "exploded on purpose", attempts: 2 }]);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("fail-fast: the running nodes see their signal abort on the workers, waiting jobs are removed and never start", async () => {
    const markers = markerDir();
    // Item 0 fails after 300 ms; the others would sleep 20 s. Window 4, two worker slots: two jobs wait in Redis.
    const items = Array.from({ length: 8 }, (_, i) => (i === 0 ? { ms: 300, fail: "first one failed" } : { ms: 20_000 }));
    const workflow = containerWorkflow(
      { execution: onQueue({ max_concurrent: 4, timeout: 60_000 }), map: { items: "js/ctx.request.body.items", node: { name: "nap", node: "sleep", type: "local" } } },
      { nap: { inputs: { ms: "js/ctx.item.ms", fail: "js/ctx.item.fail", marker_dir: markers } } },
    );
    const started = performance.now();
    const error = await harness.failure(workflow, { items });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.message).toContain("first one failed");
    // Whatever a worker started (apart from item 0) saw its abort: cancelled by the container, in another process.
    await vi.waitFor(() => {
      const files = readdirSync(markers);
      const startedItems = files.filter((f) => f.endsWith(".started")).map((f) => f.split(".")[0]!);
      for (const index of startedItems.filter((i) => i !== "0")) expect(files).toContain(`${index}.aborted`);
    });
    // Give the workers time to pick up anything left behind: nothing is.
    await new Promise((r) => setTimeout(r, 600));
    const files = readdirSync(markers);
    const startedItems = files.filter((f) => f.endsWith(".started")).map((f) => Number(f.split(".")[0]));
    expect(startedItems.length).toBeLessThanOrEqual(3);
    // At most one waiting job was fetched by the worker that finished item 0 (BullMQ hands the next
    // job over in the same call); the other waiting job was removed before anyone took it.
    expect(startedItems.some((i) => i >= 4)).toBe(false);
    expect(startedItems.filter((i) => i >= 1).every((i) => existsSync(join(markers, `${i}.aborted`)))).toBe(true);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("times out a job that never ends (the node ignores its signal): the step fails at the timeout and the worker slot is freed", async () => {
    const markers = markerDir();
    const workflow = containerWorkflow(
      { execution: onQueue({ timeout: 400 }), nodes: [{ name: "stuck", node: "forever", type: "local" }, { name: "fine", node: "square", type: "local" }] },
      { stuck: { inputs: { marker_dir: markers } }, fine: { inputs: { n: 4 } } },
    );
    const started = performance.now();
    const error = await harness.failure(workflow);
    const elapsed = performance.now() - started;
    expect(error.message).toBe("Node stuck timed out after 400ms");
    expect(elapsed).toBeLessThan(3_000);
    expect(existsSync(join(markers, "forever.started"))).toBe(true);
    expect(await jobKeys(admin, queue)).toEqual([]);
    // Both slots still serve: the stuck job was failed on cancel, whatever its node does.
    const again = vars(
      await harness.run(
        containerWorkflow({ execution: onQueue({ max_concurrent: 2 }), nodes: [{ name: "x", node: "sleep", type: "local" }, { name: "y", node: "sleep", type: "local" }] }, { x: { inputs: { ms: 200 } }, y: { inputs: { ms: 200 } } }),
      ),
    );
    expect(new Set(again.results.map((r: Any) => r.pid)).size).toBe(2);
  });

  it("rejects a result larger than max_result_bytes with an error naming the child and both sizes; large results within it pass (side key, removed)", async () => {
    const workflow = (bytes: number, limit: number) =>
      containerWorkflow(
        { execution: { ...onQueue({}), queue: { name: queue, max_result_bytes: limit } }, nodes: [{ name: "huge", node: "big", type: "local" }, { name: "tiny", node: "square", type: "local" }] },
        { huge: { inputs: { bytes } }, tiny: { inputs: { n: 1 } } },
      );
    const error = await harness.failure(workflow(5_000, 1_000));
    expect(error.message).toBe(
      "Node huge failed: Result of child 'huge' of parallel-execution step 'fan' is 5011 bytes of JSON, more than execution.queue.max_result_bytes (1000 bytes); it was rejected, not truncated",
    );
    const ok = vars(await harness.run(workflow(300_000, 1_000_000)));
    expect(ok.results[0].blob).toHaveLength(300_000);
    expect(ok.results[1].square).toBe(1);
    expect(await jobKeys(admin, queue)).toEqual([]);
  });

  it("leaves nothing behind: no key of the run, no connection, no listener", async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length;
    const processListeners = () => process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
    await new Promise((r) => setTimeout(r, 200)); // sockets of earlier sessions finish closing
    const before = sockets();
    const listenersBefore = processListeners();
    const keysBefore = await queueKeys(admin, queue);
    const run = vars(
      await harness.run(
        containerWorkflow({ execution: onQueue({ max_concurrent: 4 }), map: { items: [1, 2, 3, 4, 5, 6], node: { name: "sq", node: "square", type: "local" } } }, { sq: { inputs: { n: "js/ctx.item" } } }),
      ),
    );
    expect(run.results).toHaveLength(6);
    const after = await queueKeys(admin, queue);
    // Only the queue's own keys, and no new ones.
    expect(after.filter((key) => !keysBefore.includes(key))).toEqual([]);
    expect(after.every((key) => ["events", "meta", "id", "stalled-check", "marker"].includes(key.split(":").pop()!))).toBe(true);
    expect(await admin.keys("*blok-*")).toEqual([]);
    await vi.waitFor(() => expect(sockets()).toBeLessThanOrEqual(before));
    expect(processListeners()).toBe(listenersBefore);
  });

  it("a large vars travels once per run (one shared key, read lazily on the workers, deleted at the end), not once per child", async () => {
    const workflow = (backend: string) =>
      containerWorkflow(
        { execution: { ...(backend === "queue" ? onQueue({}) : {}), max_concurrent: 4 }, map: { items: "js/ctx.request.body.items", node: { name: "sq", node: "square", type: "local" } } },
        { data: { inputs: { bytes: 300_000 } }, sq: { inputs: { n: "js/ctx.item" } } },
        { before: [{ name: "data", node: "big", type: "local", set_var: true }] },
      );
    const body = { items: Array.from({ length: 10 }, (_, i) => i) };
    // Bytes Redis received (from everyone): 10 children x 300 KB would be over 3 MB.
    const received = async () => Number((await admin.info("stats")).match(/total_net_input_bytes:(\d+)/)?.[1] ?? 0);
    const local = vars(await harness.run(workflow("local"), body));
    const before = await received();
    const remote = vars(await harness.run(workflow("queue"), body));
    const sent = (await received()) - before;
    expect(sent).toBeGreaterThan(300_000);
    expect(sent).toBeLessThan(600_000);
    expect(remote.results).toEqual(local.results);
    expect(remote.results[3]).toMatchObject({ square: 9, blob_length: 300_000 });
    expect(await jobKeys(admin, queue)).toEqual([]);
    expect(await admin.keys("*ctx-*")).toEqual([]);
  });

  it("workers refuse a hostile payload (path traversal, unknown type, wrong version) and keep serving", async () => {
    const producer = new Queue(queue, { connection: { host: "127.0.0.1", port: redis.port } });
    const events = new QueueEvents(queue, { connection: { host: "127.0.0.1", port: redis.port } });
    await events.waitUntilReady();
    const base = { v: 1, container: "evil", attempt: 1, inputs: {}, ctx: { id: "x", request: {}, response: { data: null } }, max_result_bytes: 1000 };
    const cases: [unknown, string][] = [
      [{ ...base, step: { name: "s", node: "../../../etc/passwd", type: "local", isolation: "inline" } }, "step.node must be a plain node name without path traversal"],
      [{ ...base, step: { name: "s", node: "/abs/path", type: "local", isolation: "inline" } }, "step.node must be a plain node name"],
      [{ ...base, step: { name: "s", node: "square", type: "javascript", isolation: "inline" } }, "step.type must be one of module, local, runtime.python3"],
      [{ ...base, v: 99, step: { name: "s", node: "square", type: "local", isolation: "inline" } }, "protocol version 99 is not 1"],
      [{ ...base, step: { name: "s", node: "not-a-node-here", type: "local", isolation: "inline" } }, "not-a-node-here"],
      [{ ...base, step: { name: "s", node: "square", type: "local", isolation: "inline" }, shared: { vars: "meta" } }, 'shared.vars must be a shared context id (received "meta")'],
    ];
    try {
      for (const [data, expected] of cases) {
        const job = await producer.add("evil", data);
        // A guard, not a speed check: a loaded machine may take seconds to hand the job to a worker.
        const error = await job.waitUntilFinished(events, 20_000).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error?.message).toContain(expected);
        await job.remove();
      }
    } finally {
      await events.close();
      await producer.close();
    }
    expect(workers.every((w) => w.process.exitCode === null)).toBe(true);
  });
});
