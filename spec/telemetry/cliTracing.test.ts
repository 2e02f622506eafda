import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, onlyDocument } from "../cli/support.js";
import { type CollectedSpan, type Collector, startCollector } from "./collector.js";

const WORKFLOW = "spec/telemetry/fixtures/traced.json";
const NODES = "spec/telemetry/fixtures/nodes";

describe("blok-parallel run with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  let collector: Collector;
  let spans: CollectedSpan[];
  let document: { results: unknown[] };
  const byName = (name: string) => spans.filter((span) => span.name === name);

  beforeAll(async () => {
    collector = await startCollector();
    const run = await cli(["run", WORKFLOW, "--nodes", NODES], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_SERVICE_NAME: "otel-cli-test",
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=secret",
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    document = onlyDocument(run.stdout) as { results: unknown[] };
    // The CLI flushes before it exits: every span is there once it has returned.
    spans = collector.spans;
  }, 60_000);
  afterAll(() => collector.close());

  it("exports one trace: the run, its steps, and one span per child attempt", () => {
    expect(spans.map((span) => span.name).sort()).toEqual(
      ["workflow traced", "step seed", "step fan", "child probe", "child flaky", "child flaky", "child broken", "child broken"].sort(),
    );
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(spans.every((span) => span.service === "otel-cli-test")).toBe(true);
    expect(collector.headers.every((headers) => headers["x-collector-key"] === "secret")).toBe(true);
  });

  it("links each span to its parent: steps under the run, attempts under their container step", () => {
    const [run] = byName("workflow traced");
    const [fan] = byName("step fan");
    expect(run!.parentSpanId).toBeUndefined();
    expect(run!.attributes).toMatchObject({ "blok.workflow.name": "traced" });
    expect(typeof run!.attributes["blok.run.id"]).toBe("string");
    for (const step of [...byName("step seed"), fan!]) expect(step.parentSpanId).toBe(run!.spanId);
    expect(fan!.attributes).toEqual({ "blok.step.name": "fan", "blok.step.node": "parallel-execution" });
    for (const attempt of spans.filter((span) => span.name.startsWith("child "))) expect(attempt.parentSpanId).toBe(fan!.spanId);
  });

  it("names the attempt, its index, number, runtime and outcome; a retried child has a span per attempt", () => {
    const attempts = spans
      .filter((span) => span.name.startsWith("child "))
      .map((span) => span.attributes)
      .sort((a, b) => Number(a["blok.child.index"]) - Number(b["blok.child.index"]) || Number(a["blok.child.attempt"]) - Number(b["blok.child.attempt"]));
    expect(attempts).toEqual([
      { "blok.container.step": "fan", "blok.child.name": "probe", "blok.child.index": 0, "blok.child.attempt": 1, "blok.child.runtime": "local", "blok.child.outcome": "succeeded" },
      { "blok.container.step": "fan", "blok.child.name": "flaky", "blok.child.index": 1, "blok.child.attempt": 1, "blok.child.runtime": "local", "blok.child.outcome": "retrying", "blok.child.retry_delay_ms": expect.any(Number) },
      { "blok.container.step": "fan", "blok.child.name": "flaky", "blok.child.index": 1, "blok.child.attempt": 2, "blok.child.runtime": "local", "blok.child.outcome": "succeeded" },
      { "blok.container.step": "fan", "blok.child.name": "broken", "blok.child.index": 2, "blok.child.attempt": 1, "blok.child.runtime": "local", "blok.child.outcome": "retrying", "blok.child.retry_delay_ms": expect.any(Number) },
      { "blok.container.step": "fan", "blok.child.name": "broken", "blok.child.index": 2, "blok.child.attempt": 2, "blok.child.runtime": "local", "blok.child.outcome": "failed" },
    ]);
  });

  it("records errors on the failed attempts' spans (status ERROR with the message), none on the others", () => {
    const status = (name: string, attempt: number) => spans.find((span) => span.name === name && span.attributes["blok.child.attempt"] === attempt)!.status;
    expect(status("child broken", 2)).toEqual({ code: 2, message: "always broken" });
    expect(status("child broken", 1)).toEqual({ code: 2, message: "always broken" });
    expect(status("child flaky", 1)).toEqual({ code: 2, message: "attempt 1 of flaky failed" });
    expect(status("child flaky", 2).code).toBe(0);
    expect(status("child probe", 1).code).toBe(0);
    expect(byName("workflow traced")[0]!.status.code).toBe(0);
  });

  it("makes the attempt's span the active context of the child's work", () => {
    const [probe] = byName("child probe");
    expect(document.results[0]).toEqual({ span: probe!.spanId });
  });
});
