import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import { type QueueWorker, startQueueWorker } from "../../src/composition/queueWorker/index.js";
import type { Workflow } from "../../src/runner/index.js";
import { InvalidQueueJobError, PROTOCOL_VERSION, readJobData } from "../../src/runtimes/queue/index.js";
import { fixtureNodes, spawnWorker, testConnector, uniqueQueue } from "../runtimes/queue/support.js";
import { startCollector } from "./collector.js";
import { needsRedis, type RedisServer, redisServerPath, startRedis } from "../runtimes/queue/redisServer.js";
import { inMemoryTracing, parentOf } from "./support.js";

const JOB = {
  v: PROTOCOL_VERSION,
  container: "fan",
  step: { name: "sq", node: "square", type: "local", isolation: "inline" },
  attempt: 1,
  inputs: {},
  ctx: { id: "r", request: {}, response: { data: null } },
  max_result_bytes: 1024,
};

describe("queue job trace field", () => {
  it("accepts the W3C fields and refuses anything else", () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    expect(readJobData({ ...JOB, trace: { traceparent, tracestate: "k=v" } }).trace).toEqual({ traceparent, tracestate: "k=v" });
    expect(() => readJobData({ ...JOB, trace: "x" })).toThrow(new InvalidQueueJobError("Refused queue job: trace must be an object"));
    expect(() => readJobData({ ...JOB, trace: { cookie: "x" } })).toThrow(/trace\.cookie is not a W3C trace context field of at most 512 characters/);
    expect(() => readJobData({ ...JOB, trace: { traceparent: "x".repeat(513) } })).toThrow(/trace\.traceparent is not a W3C trace context field/);
  });
});

describe.skipIf(!redisServerPath)(`a queue job carries and continues the trace${needsRedis}`, () => {
  let redis: RedisServer;
  let worker: QueueWorker;
  const memory = inMemoryTracing();
  const queue = uniqueQueue("otel");

  beforeAll(async () => {
    redis = await startRedis();
    worker = await startQueueWorker({ redisUrl: redis.url, queue, nodesDir: fixtureNodes, tracing: memory.tracing, logger: new DefaultLogger({ enabled: false }) });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await memory.tracing.shutdown();
    await redis?.stop();
  });

  /** Runs three `square` children on `queueName`, traced in memory; returns the spans this run added. */
  async function produce(queueName: string) {
    const tracer = memory.tracing.forRun();
    const env = createEnvironment({ nodesDir: fixtureNodes, connectQueue: testConnector(redis.url), onEvent: tracer.onEvent });
    const workflow = {
      name: "q",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: { fan: { inputs: { execution: { backend: "queue", queue: { name: queueName } }, map: { items: [2, 3, 4], node: { name: "sq", node: "square", type: "local" } } } } },
    } as unknown as Workflow;
    const before = memory.spans().length;
    await env.run(workflow, { observer: tracer, logger: new DefaultLogger({ enabled: false }) });
    return memory.spans().slice(before);
  }

  it("blok-parallel worker with OTEL_EXPORTER_OTLP_ENDPOINT exports job spans that continue the producer's attempts", async () => {
    const collector = await startCollector();
    const other = uniqueQueue("otel-cli");
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.endpoint;
    const process_ = await spawnWorker(redis.url, { queue: other }).finally(() => delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
    try {
      const attempts = (await produce(other)).filter((span) => span.name === "child sq");
      process_.kill("SIGTERM");
      await process_.exited;
      const jobs = collector.spans.filter((span) => span.name === "queue job sq");
      expect(jobs).toHaveLength(3);
      expect(jobs.map((job) => job.parentSpanId).sort()).toEqual(attempts.map((attempt) => attempt.spanContext().spanId).sort());
      expect(jobs.map((job) => job.traceId)).toEqual(jobs.map(() => attempts[0]!.spanContext().traceId));
    } finally {
      if (process_.process.exitCode === null) process_.kill("SIGKILL");
      await collector.close();
    }
  }, 90_000);

  it("the worker's job span is a child of the producer's attempt span, in the same trace", async () => {
    const spans = await produce(queue);
    const attempts = spans.filter((span) => span.name === "child sq");
    const jobs = spans.filter((span) => span.name === "queue job sq");
    expect(attempts).toHaveLength(3);
    expect(jobs).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt.attributes["blok.child.runtime"]).toBe("queue");
      const job = jobs.find((candidate) => candidate.attributes["blok.child.name"] === attempt.attributes["blok.child.name"])!;
      expect(job.attributes).toMatchObject({ "blok.container.step": "fan", "blok.child.attempt": 1, "blok.queue.name": queue });
      expect(parentOf(job)).toBe(attempt.spanContext().spanId);
      expect(job.spanContext().traceId).toBe(attempt.spanContext().traceId);
    }
  }, 60_000);
});
