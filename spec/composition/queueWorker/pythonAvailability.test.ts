import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeBlok, NodeBlokResponse } from "../../../src/blok/index.js";
import type { PythonRuntimePlugin } from "../../../src/composition/index.js";
import { startQueueWorker, type QueueWorker, type QueueWorkerEvent } from "../../../src/composition/queueWorker/index.js";
import { type RedisServer, needsRedis, redisServerPath, startRedis } from "../../runtimes/queue/redisServer.js";
import { type Any, containerWorkflow, queueEnvironment, testConnector, uniqueQueue } from "../../runtimes/queue/support.js";

/** Stands in for the Python plugin: its runtime's availability is set by the test. */
function fakePythonPlugin(ran: string[]): PythonRuntimePlugin & { available: boolean } {
  const plugin = {
    available: false,
    resolvers: {
      "runtime.python3": async () =>
        new (class extends NodeBlok<unknown> {
          async handle(): Promise<NodeBlokResponse> {
            ran.push(this.name);
            const response = new NodeBlokResponse();
            response.setSuccess({ ran: this.name } as never);
            return response;
          }
        })(),
    },
    pythonAvailable: () => plugin.available,
    close: async () => undefined,
  };
  return plugin;
}

describe.skipIf(!redisServerPath)(`a queue worker whose Python runtime is down${needsRedis}`, () => {
  let redis: RedisServer;
  let worker: QueueWorker;
  const queue = uniqueQueue("python-down");
  const events: QueueWorkerEvent[] = [];
  const ran: string[] = [];
  const python = fakePythonPlugin(ran);
  let harness: ReturnType<typeof queueEnvironment>;

  beforeAll(async () => {
    process.env.CONSOLE_LOG_ACTIVE = "false";
    redis = await startRedis();
    worker = await startQueueWorker({ redisUrl: redis.url, queue, plugins: [python], onEvent: (event) => events.push(event) });
    harness = queueEnvironment(testConnector(redis.url));
  });
  afterAll(async () => {
    await worker?.close({ graceMs: 0 });
    await harness?.env.close();
    await redis?.stop();
  });

  it("hands Python jobs back instead of failing them, and runs them once the runtime is back", async () => {
    const workflow = containerWorkflow({
      execution: { backend: "queue", queue: { name: queue } },
      nodes: [
        { name: "py1", node: "anything", type: "runtime.python3" },
        { name: "py2", node: "anything", type: "runtime.python3" },
      ],
    });
    const run = harness.run(workflow);
    run.catch(() => undefined); // awaited below; a failure must not be reported as unhandled first
    const deadline = Date.now() + 10_000;
    while (!events.some((event) => event.type === "returned") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events.some((event) => event.type === "returned")).toBe(true);
    expect(events.some((event) => event.type === "failed")).toBe(false);
    expect(ran).toEqual([]);
    python.available = true;
    const result = (await run).ctx.vars!.fan as Any;
    expect(result.results).toEqual([{ ran: "py1" }, { ran: "py2" }]);
    expect([...ran].sort()).toEqual(["py1", "py2"]);
  });
});
