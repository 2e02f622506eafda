import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DefaultLogger } from "../../../src/blok/index.js";
import { CONTAINER_KEYS, createEnvironment, pythonPlugin, workerPlugin } from "../../../src/composition/index.js";
import { createParallelExecutionNode } from "../../../src/node/ParallelExecutionNode.js";
import type { ChildStep } from "../../../src/ports/index.js";
import { resolveStep, type Workflow } from "../../../src/runner/index.js";
import { needsPython, python } from "../../runtimes/python/helpers.js";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "../../runtimes/queue/redisServer.js";
import { type Any, killAll, repoRoot, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "../../runtimes/queue/support.js";

const nodesDir = join(repoRoot, "examples/mixed/nodes");
const pythonNodesDir = join(repoRoot, "examples/mixed/python-nodes");

describe.skipIf(!redisServerPath)(`the shipped queue example (examples/queue)${needsRedis}`, () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  const queue = uniqueQueue("example");
  const exampleNodes = join(repoRoot, "examples/nodes");

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    workers = await Promise.all([spawnWorker(redis.url, { queue, concurrency: 1, nodesDir: exampleNodes }), spawnWorker(redis.url, { queue, concurrency: 1, nodesDir: exampleNodes })]);
  });
  afterAll(async () => {
    await killAll(workers);
    await redis?.stop();
  });

  it("gives the report examples/map-batch gives, with the batches spread over two workers", async () => {
    const read = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), "utf8")) as Any;
    const queued = read("examples/queue/workflow.json");
    expect(queued.nodes["process-batches"].inputs.execution.backend).toBe("queue");
    queued.nodes["process-batches"].inputs.execution.queue.name = queue;
    const body = { size_mb: 1, batch_size: 2_000, rounds: 2 };
    const env = createEnvironment({ nodesDir: exampleNodes });
    const Container = createParallelExecutionNode({ resolveChild: (step) => env.resolveStep(step), connectQueue: testConnector(redis.url) });
    for (const key of CONTAINER_KEYS) env.registry.addNode(key, new Container());
    const logger = new DefaultLogger({ write: () => undefined });
    try {
      const local = (await env.run(read("examples/map-batch/workflow.json") as Workflow, { body, logger })).response.data as Any;
      const remote = (await env.run(queued as Workflow, { body, logger })).response.data as Any;
      const { parallel: _p1, ...localReport } = local;
      const { parallel: p2, ...remoteReport } = remote;
      expect(remoteReport).toEqual(localReport);
      expect(remote.chunks).toBeGreaterThan(2);
      expect(p2.failed).toBe(0);
      for (const worker of workers) expect(worker.stderr()).toContain("completed sales-batch[");
    } finally {
      await env.close();
    }
  });
});

// The shipped mixed example (a local node, a Python node, two worker-thread children) on both
// backends: a worker process runs each runtime from its own directories.
describe.skipIf(!redisServerPath || !python)(`queue backend with every runtime (examples/mixed)${needsRedis}${needsPython}`, () => {
  let redis: RedisServer;
  let worker: WorkerProcess;
  const queue = uniqueQueue("runtimes");

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    process.env.BLOK_PYTHON ??= python;
    redis = await startRedis();
    worker = await spawnWorker(redis.url, { queue, concurrency: 4, nodesDir, pythonNodesDir });
  });
  afterAll(async () => {
    if (worker) await killAll([worker]);
    await redis?.stop();
  });

  it("local, Python and worker-thread children give the same results as the local backend", async () => {
    const plugins = [pythonPlugin({ nodesDir: pythonNodesDir, ...(python ? { python } : {}) }), workerPlugin({ nodesDir, threads: 2 })];
    const env = createEnvironment({ nodesDir, plugins });
    const resolveWorker = plugins[1]!.resolveWorker!;
    const resolveChild = (step: ChildStep) =>
      step.type === "local" && step.isolation === "worker" ? resolveStep(step, { registry: env.registry, resolvers: { local: resolveWorker } }) : env.resolveStep(step);
    const Container = createParallelExecutionNode({ resolveChild, connectQueue: testConnector(redis.url) });
    for (const key of CONTAINER_KEYS) env.registry.addNode(key, new Container());
    const workflow = JSON.parse(readFileSync(join(repoRoot, "examples/mixed/workflow.json"), "utf8")) as Any;
    const body = JSON.parse(readFileSync(join(repoRoot, "examples/mixed/body.json"), "utf8"));
    const logger = new DefaultLogger({ write: () => undefined });
    try {
      const local = (await env.run(workflow as Workflow, { body, logger })).response.data as Any;
      workflow.nodes.analyze.inputs.execution = { ...workflow.nodes.analyze.inputs.execution, backend: "queue", queue: { name: queue } };
      const remote = (await env.run(workflow as Workflow, { body, logger })).response.data as Any;
      expect(remote.errors).toBeUndefined();
      expect(remote.results).toEqual(local.results);
      expect(remote.results.every((result: unknown) => result !== null)).toBe(true);
      expect(remote.execution_info.children.map((c: Any) => c.runtime)).toEqual(["queue", "queue", "queue", "queue"]);
      // Timings the nodes reported on the worker (thread start-up, Python server time) come back too.
      expect(Object.keys(remote.execution_info.children[2].timing)).toEqual(expect.arrayContaining(["work_ms", "queue_ms"]));
    } finally {
      await env.close();
    }
  });
});
