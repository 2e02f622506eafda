import { SpanStatusCode } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import { traceCarrier } from "../../src/ports/index.js";
import type { Workflow } from "../../src/runner/index.js";
import type { Tracing } from "../../src/telemetry/index.js";
import { inMemoryTracing, parentOf } from "./support.js";

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

const NODES = {
  ok: { handle: () => ({ ok: true }) },
  boom: { handle: async () => Promise.reject(new Error("boom went the child")) },
  slow: { handle: async (ctx: { signal?: AbortSignal }) => (await wait(5_000, ctx.signal), "late") },
  carrier: { handle: async () => (await wait(2), traceCarrier() ?? null) },
};

function container(name: string, execution: Record<string, unknown>, children: string[]): Workflow {
  return {
    name,
    steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
    nodes: { fan: { inputs: { execution, nodes: children.map((child) => ({ name: child, node: child, type: "module" })) } } },
  } as unknown as Workflow;
}

describe("RunTracer", () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  async function run(workflow: Workflow) {
    const memory = inMemoryTracing();
    tracing = memory.tracing;
    const tracer = tracing.forRun();
    const env = createEnvironment({ nodes: NODES, onEvent: tracer.onEvent });
    const outcome: { data?: { results: unknown[] }; error?: Error } = await env.run(workflow, { observer: tracer, id: "run-1", logger: new DefaultLogger({ enabled: false }) }).then(
      (value) => ({ data: value.response.data as { results: unknown[] } }),
      (error: unknown) => ({ error: error as Error }),
    );
    return { ...outcome, spans: memory.spans() };
  }

  it("fail-fast: the failed attempt, the cancelled sibling, the step and the run carry status ERROR with the message", async () => {
    const { error, spans } = await run(container("ff", { error_handling: "fail-fast" }, ["ok", "boom", "slow"]));
    expect(error?.message).toContain("boom went the child");
    const span = (name: string) => spans.find((candidate) => candidate.name === name)!;
    expect(span("child boom").attributes["blok.child.outcome"]).toBe("failed");
    expect(span("child boom").status).toEqual({ code: SpanStatusCode.ERROR, message: "boom went the child" });
    expect(span("child boom").events.map((event) => event.name)).toEqual(["exception"]);
    expect(span("child slow").attributes["blok.child.outcome"]).toBe("cancelled");
    expect(span("child slow").status.code).toBe(SpanStatusCode.ERROR);
    expect(span("child ok").status.code).toBe(SpanStatusCode.UNSET);
    expect(span("step fan").status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringContaining("boom went the child") });
    expect(span("workflow ff").status.code).toBe(SpanStatusCode.ERROR);
    expect(span("workflow ff").attributes).toEqual({ "blok.workflow.name": "ff", "blok.run.id": "run-1" });
    expect(parentOf(span("child slow"))).toBe(span("step fan").spanContext().spanId);
  });

  it("a timed-out attempt ends with outcome timed_out", async () => {
    const { spans } = await run(container("to", { error_handling: "continue-partial", timeout: 20 }, ["slow", "ok"]));
    const slow = spans.find((span) => span.name === "child slow")!;
    expect(slow.attributes["blok.child.outcome"]).toBe("timed_out");
    expect(slow.status.code).toBe(SpanStatusCode.ERROR);
    expect(slow.attributes["blok.child.runtime"]).toBe("module");
  });

  it("traceCarrier() inside a child attempt is the W3C context of that attempt's span", async () => {
    const { data, spans } = await run(container("carry", {}, ["carrier", "ok"]));
    const attempt = spans.find((span) => span.name === "child carrier")!;
    const { traceId, spanId } = attempt.spanContext();
    expect(data?.results[0]).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
  });

  it("nested containers: the inner container's attempts hang under the outer child's attempt", async () => {
    const workflow = {
      name: "nest",
      steps: [{ name: "outer", node: "parallel-execution", type: "module" }],
      nodes: {
        outer: { inputs: { nodes: [{ name: "inner", node: "parallel-execution", type: "module" }, { name: "ok", node: "ok", type: "module" }] } },
        inner: { inputs: { nodes: [{ name: "carrier", node: "carrier", type: "module" }, { name: "slow2", node: "ok", type: "module" }] } },
      },
    } as unknown as Workflow;
    const { spans } = await run(workflow);
    const span = (name: string) => spans.find((candidate) => candidate.name === name)!;
    const outerStep = span("step outer").spanContext().spanId;
    expect(parentOf(span("child inner"))).toBe(outerStep);
    expect(parentOf(span("child ok"))).toBe(outerStep);
    expect(parentOf(span("child carrier"))).toBe(span("child inner").spanContext().spanId);
    expect(parentOf(span("child slow2"))).toBe(span("child inner").spanContext().spanId);
  });

  it("outside any traced work, and once tracing is shut down, there is no carrier", async () => {
    const memory = inMemoryTracing();
    tracing = memory.tracing;
    expect(traceCarrier()).toBeUndefined();
    const tracer = tracing.forRun();
    const env = createEnvironment({ nodes: NODES, onEvent: tracer.onEvent });
    await tracing.shutdown();
    const { response } = await env.run(container("off", {}, ["carrier", "ok"]), { logger: new DefaultLogger({ enabled: false }) });
    expect((response.data as { results: unknown[] }).results).toEqual([null, { ok: true }]);
  });
});
