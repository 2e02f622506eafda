import { beforeAll, describe, expect, it } from "vitest";
import { type Context, NodeBlok, NodeBlokResponse } from "../../src/blok/index.js";
import { journal, observedPeak, runId, runWorkflowFile, workflow } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: workflow outputs are checked field by field
type Any = any;

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("container results through real workflow files", () => {
  it("keeps results in child order whatever the completion order, at ctx.vars[<step>] for the next step", async () => {
    const run = runId();
    const { ctx, response } = await runWorkflowFile(workflow("order"), { ms: [120, 80, 40, 0], run });
    const ends = journal(run)
      .filter((event) => event.event === "end")
      .map((event) => event.label);
    expect(ends).toEqual(["w4", "w3", "w2", "w1"]);
    // The next step read js/ctx.vars['fan-out'].results; set_var left ctx.response as it was.
    expect(response.data).toEqual({
      inputs: {
        results: [
          { label: "w1", ms: 120 },
          { label: "w2", ms: 80 },
          { label: "w3", ms: 40 },
          { label: "w4", ms: 0 },
        ],
        completed: 4,
        previous_response: "",
      },
    });
    expect((ctx.vars?.["fan-out"] as Any).execution_info).toMatchObject({ total: 4, completed: 4, failed: 0, concurrent_peak: 4 });
  });

  it("without set_var, the container's output is the step's response data", async () => {
    const { response } = await runWorkflowFile(workflow("window"), { max: 6, ms: 0 });
    const output = response.data as Any;
    expect(Object.keys(output).sort()).toEqual(["execution_info", "results"]);
    expect(output.results.map((result: Any) => result.label)).toEqual(["s1", "s2", "s3", "s4", "s5", "s6"]);
    expect(output.execution_info.children).toHaveLength(6);
    expect(output.execution_info.children[0]).toMatchObject({ index: 0, name: "s1", runtime: "local", status: "succeeded", attempts: 1 });
    expect(output.execution_info.children[0].timing).toEqual({ resolve_ms: expect.any(Number), run_ms: expect.any(Number) });
  });

  it.each([2, 3])("never runs more than max_concurrent (%i) children at once, and concurrent_peak is what was measured", async (max) => {
    const run = runId();
    const { response } = await runWorkflowFile(workflow("window"), { max, ms: 60, run });
    const events = journal(run);
    expect(events.filter((event) => event.event === "start")).toHaveLength(6);
    expect(observedPeak(events)).toBe(max);
    expect((response.data as Any).execution_info.concurrent_peak).toBe(max);
  });

  it("strategy sequential runs one child at a time, in order", async () => {
    const run = runId();
    const { response } = await runWorkflowFile(workflow("window"), { max: 6, ms: 10, run, strategy: "sequential" });
    const events = journal(run);
    expect(observedPeak(events)).toBe(1);
    expect(events.filter((event) => event.event === "start").map((event) => event.label)).toEqual(["s1", "s2", "s3", "s4", "s5", "s6"]);
    expect((response.data as Any).execution_info.concurrent_peak).toBe(1);
  });

  it("maps each child's inputs (${...} and js/...) against its own context", async () => {
    const { response } = await runWorkflowFile(workflow("inputs-mapping"), { user: "ada", factor: 3 });
    expect((response.data as Any).results).toEqual([
      { inputs: { greeting: "Hello ada", from_data: "ada", own_name: true } },
      { inputs: { scaled: [3, 6, 9], sum: 4 } },
    ]);
  });

  it("runs module children registered through createEnvironment({ nodes }): a NodeBlok subclass and a handler object", async () => {
    class Double extends NodeBlok<{ n: number }> {
      constructor() {
        super();
        this.inputSchema = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
      }
      async handle(ctx: Context, inputs: { n: number }) {
        const response = new NodeBlokResponse();
        response.setSuccess({ doubled: inputs.n * 2, aborted: ctx.signal?.aborted ?? "no signal" });
        return response;
      }
    }
    const shout = { handle: (_ctx: Context, inputs: { text: string }) => inputs.text.toUpperCase() };
    const { response } = await runWorkflowFile(workflow("module-children"), { n: 21, text: "hi" }, { nodes: { "@test/double": Double, "@test/shout": shout } });
    expect((response.data as Any).results).toEqual([{ doubled: 42, aborted: false }, "HI"]);
    expect((response.data as Any).execution_info.children.map((child: Any) => child.runtime)).toEqual(["module", "module"]);
  });
});

describe("the seed task's scenarios, on the real API", () => {
  it("unit: executes nodes in parallel and returns Promise.all-style results", async () => {
    const { response } = await runWorkflowFile(workflow("window"), { max: 5, ms: 0 });
    const output = response.data as Any;
    expect(output.results).toHaveLength(6);
    expect(output.execution_info.completed).toBe(6);
    expect(output.execution_info.failed).toBe(0);
  });

  it("unit: handles partial failures with continue-partial", async () => {
    const { response } = await runWorkflowFile(workflow("failure-budget"), { budget: 2 });
    const output = response.data as Any;
    expect(output.results).toHaveLength(4);
    expect(output.results[0]).toBeNull();
    expect(output.results[1]).toEqual({ label: "ok", ms: 0 });
    expect(output.errors).toHaveLength(2);
    expect(output.execution_info.completed).toBe(2);
    expect(output.execution_info.failed).toBe(2);
  });

  it("unit: respects the per-node timeout (rejects with 'timed out' around the limit)", async () => {
    const started = performance.now();
    await expect(runWorkflowFile(workflow("child-timeout"), { timeout: 1000 })).rejects.toThrow("timed out");
    const duration = performance.now() - started;
    expect(duration).toBeGreaterThanOrEqual(990);
    // The seed says < 1500 ms; the slack covers a loaded CI machine, not a child left running.
    expect(duration).toBeLessThan(2500);
  });

  it("integration: runs the seed's parallel-test workflow with echo processors", async () => {
    class EchoProcessor extends NodeBlok<{ message: string }> {
      async handle(_ctx: Context, inputs: { message: string }) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const response = new NodeBlokResponse();
        response.setSuccess({ echoed: inputs.message });
        return response;
      }
    }
    const { response } = await runWorkflowFile(workflow("seed-integration"), { data: "test" }, { nodes: { "echo-processor": EchoProcessor } });
    const output = response.data as Any;
    expect(output.results).toEqual([{ echoed: "Hello from chunk 1" }, { echoed: "Hello from chunk 2" }]);
    expect(output.execution_info.concurrent_peak).toBeGreaterThan(1);
  });

  it("performance: five 200 ms children take less than half as long in parallel as in sequence", async () => {
    const parallel = (await runWorkflowFile(workflow("seed-performance"), { strategy: "parallel" })).response.data as Any;
    const sequential = (await runWorkflowFile(workflow("seed-performance"), { strategy: "sequential" })).response.data as Any;
    expect(parallel.execution_info.duration_ms).toBeLessThan(sequential.execution_info.duration_ms / 2);
    expect(parallel.execution_info.concurrent_peak).toBe(5);
    expect(sequential.execution_info.concurrent_peak).toBe(1);
    expect(sequential.execution_info.duration_ms).toBeGreaterThanOrEqual(5 * 200 - 10);
  });
});
