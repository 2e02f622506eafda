import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../cli/support.js";
import { type Collector, startCollector } from "./collector.js";

const CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("blok-parallel serve with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  let collector: Collector;
  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(() => collector.close());

  it("traces each HTTP run under its x-run-id, continuing the caller's traceparent, and flushes the spans when SIGTERM stops it", async () => {
    const child = spawn(process.execPath, ["bin/blok-parallel.mjs", "serve", "--workflows", "spec/server/fixtures/workflows", "--nodes", "spec/server/fixtures/nodes", "--port", "0"], {
      cwd: REPO,
      env: { ...process.env, CONSOLE_LOG_ACTIVE: "false", OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /^listening on (http:\/\/\S+)$/m.exec(stderr);
        if (found) resolve(found[1]!);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    try {
      const response = await fetch(`${url}/fan`, { method: "POST", headers: { "content-type": "application/json", traceparent: CALLER }, body: JSON.stringify({ ms: 1 }) });
      expect(response.status).toBe(200);
      const id = response.headers.get("x-run-id");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const spans = collector.spans;
      const run = spans.find((span) => span.name === "workflow fan")!;
      expect(run.attributes).toEqual({ "blok.workflow.name": "fan", "blok.run.id": id });
      expect([run.traceId, run.parentSpanId]).toEqual(["0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"]);
      const step = spans.find((span) => span.name === "step fan")!;
      expect(step.parentSpanId).toBe(run.spanId);
      const attempts = spans.filter((span) => span.name.startsWith("child "));
      expect(attempts.map((span) => span.attributes["blok.child.name"]).sort()).toEqual(["a", "b", "c"]);
      for (const attempt of attempts) expect(attempt).toMatchObject({ parentSpanId: step.spanId, attributes: { "blok.child.runtime": "local", "blok.child.outcome": "succeeded" } });
      expect(spans.every((span) => span.service === "blok-parallel")).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});
