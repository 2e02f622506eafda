import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type EnvironmentOptions, workerPlugin } from "../../src/composition/index.js";
import type { WorkflowRun } from "../../src/runner/index.js";
import { EXAMPLES, runWorkflowFile } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: workflow outputs are checked field by field
type Any = any;

const nodesDir = path.join(EXAMPLES, "nodes");
const example = (name: string) => path.join(EXAMPLES, name, "workflow.json");
const SMALL = { size_mb: 0.2, rounds: 2 };

/** The examples as the CLI runs them: worker-isolated children get a (small) worker pool. */
function runExample(name: string, body: unknown, options: EnvironmentOptions = {}): Promise<WorkflowRun> {
  return runWorkflowFile(example(name), body, { nodesDir, plugins: [workerPlugin({ nodesDir, threads: 2 })], ...options });
}

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("the examples run (small datasets)", () => {
  it("pipeline: load, five chunks in parallel, aggregate; the same report as sequential", async () => {
    const parallel = (await runExample("pipeline", SMALL)).response.data as Any;
    expect(parallel).toMatchObject({ chunks: 5, missing_chunks: 0, parallel: { completed: 5, failed: 0 } });
    expect(parallel.parallel.concurrent_peak).toBeGreaterThan(1);
    expect(parallel.records).toBeGreaterThan(1000);
    const sequential = (await runExample("pipeline", SMALL, { forceSequential: true })).response.data as Any;
    expect(sequential.parallel.concurrent_peak).toBe(1);
    const { parallel: _p, ...report } = parallel;
    const { parallel: _s, ...sequentialReport } = sequential;
    expect(report).toEqual(sequentialReport);
  });

  it("continue-partial: completes with null slots and an errors list for the failed and the too-slow regions", async () => {
    const output = (await runExample("continue-partial", {})).response.data as Any;
    expect(output.results.map((result: Any) => result?.region ?? null)).toEqual(["north", null, "east", null, null]);
    expect(output.errors.map((entry: Any) => [entry.node, entry.status])).toEqual([
      ["enrich-south", "failed"],
      ["enrich-west", "failed"],
      ["enrich-central", "timed_out"],
    ]);
  });

  it("map-batch: batches of batch_size records in order, the last one shorter, aggregated like the pipeline", async () => {
    const mapped = (await runExample("map-batch", { ...SMALL, batch_size: 300 })).response.data as Any;
    const pipeline = (await runExample("pipeline", SMALL)).response.data as Any;
    expect(mapped.chunks).toBe(Math.ceil(pipeline.records / 300));
    expect(mapped.records).toBe(pipeline.records);
    // Chunks round their revenue to cents, so different chunkings may differ by a few cents.
    for (const [region, revenue] of Object.entries(pipeline.revenue_by_region as Record<string, number>)) expect(Math.abs(mapped.revenue_by_region[region] - revenue)).toBeLessThan(0.5);
    expect(mapped.parallel.concurrent_peak).toBe(4);
  });
});
