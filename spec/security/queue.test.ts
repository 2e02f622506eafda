import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needsRedis, type RedisServer, redisServerPath, startRedis } from "../runtimes/queue/redisServer.js";
import { type Any, containerWorkflow, killAll, markerDir, queueEnvironment, spawnWorker, testConnector, uniqueQueue, type WorkerProcess } from "../runtimes/queue/support.js";
import { HOSTILE_STRINGS } from "./support.js";

// The queue path: the parent maps a child's inputs (against its context) and ships them, with the
// request, as job data to a `blok-parallel worker` process. Neither side may evaluate what came
// from the request: each hostile string would write a marker file if anything ran it.
describe.skipIf(!redisServerPath)(`hostile request data through the queue backend${needsRedis}`, () => {
  let redis: RedisServer;
  let worker: WorkerProcess | undefined;
  const queue = uniqueQueue("security");
  let harness: ReturnType<typeof queueEnvironment>;
  const marker = join(markerDir(), "pwned");

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    worker = await spawnWorker(redis.url, { queue, concurrency: 2 });
    harness = queueEnvironment(testConnector(redis.url));
  });

  afterAll(async () => {
    await killAll(worker ? [worker] : []);
    await harness?.env.close();
    await redis?.stop();
  });

  const writeMarker = `process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "x")`;
  const strings = [...HOSTILE_STRINGS.filter((text) => text.length < 1000), `js/${writeMarker}`, `\${${writeMarker}}`, `js/\${${writeMarker}}`];

  it("map items and request values reach the worker's node verbatim, and nothing runs them on either side", async () => {
    const workflow = containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue }, max_concurrent: 4 }, map: { items: "js/ctx.request.body.items", node: { name: "sq", node: "square", type: "local" } } },
      { sq: { inputs: { n: 1, literal: "${ctx.item}" } } },
    );
    // `tag` travels in the request part of the job's context; square reads it there.
    const run = await harness.run(workflow, { items: strings, tag: `js/${writeMarker}` });
    const results = (run.ctx.vars!.fan as Any).results as Any[];
    expect(results.map((result) => result.literal)).toEqual(strings);
    expect(results.map((result) => result.item)).toEqual(strings);
    expect(new Set(results.map((result) => result.tag))).toEqual(new Set([`js/${writeMarker}`]));
    expect(existsSync(marker)).toBe(false);
  });

  it("nodes mode: a child's inputs substituted from the request are data in the job", async () => {
    const workflow = containerWorkflow(
      { execution: { backend: "queue", queue: { name: queue } }, nodes: [{ name: "a", node: "square", type: "local" }, { name: "b", node: "square", type: "local" }] },
      { a: { inputs: { n: 2, literal: "${ctx.request.body.x}" } }, b: { inputs: { n: 3, literal: "js/ctx.request.body.y" } } },
    );
    const run = await harness.run(workflow, { x: `js/${writeMarker}`, y: `\${${writeMarker}}` });
    const results = (run.ctx.vars!.fan as Any).results as Any[];
    expect(results.map((result) => result.literal)).toEqual([`js/${writeMarker}`, `\${${writeMarker}}`]);
    expect(results.map((result) => result.square)).toEqual([4, 9]);
    expect(existsSync(marker)).toBe(false);
  });
});
