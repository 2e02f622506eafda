import path from "node:path";
import type { NodeBase } from "@nanoservice-ts/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRegistrationSnippet } from "./docSnippet.js";
import { Echo, Fail, Throw, Wait, type WaitRecord } from "./nodes.js";
import { StockApp, WorkflowDir } from "./stockApp.js";

// The container inside Blok's published runner (@nanoservice-ts/runner 0.1.14), registered by the
// code docs/blok-integration.md shows, in an app built as the released HTTP trigger builds it.

const records: WaitRecord[] = [];
const workflows = new WorkflowDir();
let app: StockApp;
let removeSnippet = () => {};
const saved = { WORKFLOWS_PATH: process.env.WORKFLOWS_PATH, CONSOLE_LOG_ACTIVE: process.env.CONSOLE_LOG_ACTIVE, NODES_PATH: process.env.NODES_PATH };

beforeAll(async () => {
  process.env.WORKFLOWS_PATH = workflows.root;
  process.env.CONSOLE_LOG_ACTIVE = "false";
  process.env.NODES_PATH = path.join(import.meta.dirname, "fixtures");
  const snippet = await importRegistrationSnippet();
  removeSnippet = snippet.remove;
  const nodes: { [key: string]: NodeBase } = snippet.nodes;
  // The app's own nodes, which a real Nodes.ts lists in its object literal.
  Object.assign(nodes, { wait: new Wait(records), fail: new Fail(), throw: new Throw(), echo: new Echo() });
  app = new StockApp(nodes);
});

afterAll(() => {
  removeSnippet();
  workflows.remove();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

type Kid = { name: string; node: string; type?: string };
const kid = (name: string, node = "wait"): Kid => ({ name, node });

/** A workflow whose first step is the container `fan` (config under `inputs`), then `more`. */
function fanWorkflow(name: string, execution: object, kids: Kid[], configs: Record<string, unknown>, more: Array<{ name: string; node: string }> = [], moreConfigs: Record<string, unknown> = {}): string {
  return workflows.write(name, [{ name: "fan", node: "parallel-execution" }, ...more], {
    fan: { inputs: { execution, nodes: kids.map((child) => ({ type: "module", ...child })) } },
    ...configs,
    ...moreConfigs,
  });
}

const waitConfig = (label: string, ms: number) => ({ [label]: { inputs: { ms, label } } });

interface FanOutput {
  results: unknown[];
  errors?: Array<{ node: string; status: string; error: string }>;
  execution_info: { total: number; completed: number; failed: number; duration_ms: number };
}

describe("the container in Blok's published runner (0.1.14), registered as docs/blok-integration.md shows", () => {
  it("returns results in child order, whatever order the children finish in", async () => {
    // 100 ms apart, so a loaded machine delaying one child's start cannot swap the finishing order.
    const durations = { a: 400, b: 100, c: 300, d: 200 };
    const name = fanWorkflow("order", {}, Object.keys(durations).map((label) => kid(label)), Object.assign({}, ...Object.entries(durations).map(([label, ms]) => waitConfig(label, ms))));
    records.length = 0;
    const answer = await app.request(name);
    expect(answer.status).toBe(200);
    const output = answer.body as FanOutput;
    expect(output.results).toEqual(["a", "b", "c", "d"].map((label) => ({ label, aborted: false })));
    // They really finished out of order: the shortest first.
    expect(records.map((record) => record.label)).toEqual(["b", "d", "c", "a"]);
    expect(output.execution_info).toMatchObject({ total: 4, completed: 4, failed: 0 });
  });

  it("runs 4 children of 300 ms in parallel in well under the time the same workflow takes sequentially", async () => {
    const labels = ["p1", "p2", "p3", "p4"];
    const configs = Object.assign({}, ...labels.map((label) => waitConfig(label, 300)));
    const parallel = fanWorkflow("wall-parallel", { strategy: "parallel", max_concurrent: 4 }, labels.map((label) => kid(label)), configs);
    const sequential = fanWorkflow("wall-sequential", { strategy: "sequential" }, labels.map((label) => kid(label)), configs);
    const timed = async (name: string) => {
      const started = performance.now();
      const answer = await app.request(name);
      expect(answer.status).toBe(200);
      return performance.now() - started;
    };
    const sequentialMs = await timed(sequential);
    const parallelMs = await timed(parallel);
    // Ideal ratio 0.25; sequential cannot beat the sum of the waits.
    expect(sequentialMs).toBeGreaterThanOrEqual(1200);
    expect(parallelMs / sequentialMs).toBeLessThan(0.6);
  });

  it("fails fast with the same status and body a stock step's failure gets (422 from setError, 500 from a throw)", async () => {
    const failConfig = { boom: { inputs: { code: 422, message: "invalid order" } } };
    const alone = await app.request(workflows.write("stock-422", [{ name: "boom", node: "fail" }], failConfig));
    const contained = await app.request(fanWorkflow("fan-422", { error_handling: "fail-fast" }, [kid("slow"), kid("boom", "fail")], { ...waitConfig("slow", 2000), ...failConfig }));
    expect(alone).toEqual({ status: 422, body: { reason: "invalid order" } });
    expect(contained.status).toBe(alone.status);
    expect(contained.body).toMatchObject({ reason: "child_failed", node: "boom", results: [null, null] });
    // Fail-fast stopped the slow sibling through its signal.
    expect(records.find((record) => record.label === "slow")).toMatchObject({ aborted: true });

    const thrownAlone = await app.request(workflows.write("stock-500", [{ name: "oops", node: "throw" }], { oops: {} }));
    const thrownContained = await app.request(fanWorkflow("fan-500", {}, [kid("quick"), kid("oops", "throw")], { ...waitConfig("quick", 10), oops: {} }));
    expect(thrownAlone).toEqual({ status: 500, body: { error: "plain failure" } });
    expect(thrownContained.status).toBe(thrownAlone.status);
  });

  it("continue-partial answers 200 with null in the failed slot and the child's error listed", async () => {
    const answer = await app.request(
      fanWorkflow("partial", { error_handling: "continue-partial" }, [kid("fine"), kid("broken", "fail")], { ...waitConfig("fine", 20), broken: { inputs: { code: 409, message: "conflict" } } }),
    );
    expect(answer.status).toBe(200);
    const output = answer.body as FanOutput;
    expect(output.results).toEqual([{ label: "fine", aborted: false }, null]);
    expect(output.errors).toEqual([expect.objectContaining({ node: "broken", status: "failed", error: "conflict" })]);
    expect(output.execution_info).toMatchObject({ total: 2, completed: 1, failed: 1 });
  });

  it("stops a child that outlives execution.timeout through ctx.signal, and the node sees it", async () => {
    records.length = 0;
    const started = performance.now();
    const answer = await app.request(
      fanWorkflow("timeout", { error_handling: "continue-partial", timeout: 100 }, [kid("fast"), kid("stuck")], { ...waitConfig("fast", 10), ...waitConfig("stuck", 20_000) }),
    );
    expect(answer.status).toBe(200);
    expect((answer.body as FanOutput).errors).toEqual([expect.objectContaining({ node: "stuck", status: "timed_out" })]);
    // The stock node's own wait of 20 s ended early because its signal aborted.
    expect(records.find((record) => record.label === "stuck")).toEqual({ label: "stuck", aborted: true, reason: "AbortError" });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("hands its output to the next step: ctx.vars[step] and ctx.response.data; js/data.<field> is frozen to undefined; ${...} gives a string", async () => {
    const answer = await app.request(
      fanWorkflow("next-step", {}, [kid("x"), kid("y")], { ...waitConfig("x", 5), ...waitConfig("y", 5) }, [{ name: "read", node: "echo" }], {
        read: {
          inputs: {
            from_vars: "js/ctx.vars['fan'].results",
            from_response: "js/ctx.response.data.results",
            from_data: "js/data.results",
            total: "${ctx.vars.fan.execution_info.total}",
          },
        },
      }),
    );
    expect(answer.status).toBe(200);
    const results = [{ label: "x", aborted: false }, { label: "y", aborted: false }];
    const { inputs } = answer.body as { inputs: Record<string, unknown> };
    expect(inputs.from_vars).toEqual(results);
    expect(inputs.from_response).toEqual(results);
    expect(inputs).toHaveProperty("from_data", undefined);
    expect(inputs.total).toBe("2");
  });

  it("runs a local child the stock way (default-exported class under NODES_PATH) beside a module child", async () => {
    const answer = await app.request(
      fanWorkflow("local-child", {}, [{ name: "hi", node: "greet", type: "local" }, kid("same", "echo")], { hi: { inputs: { who: "${ctx.request.body.name}" } }, same: { inputs: { n: 1 } } }),
      { name: "Ada" },
    );
    expect(answer.status).toBe(200);
    expect((answer.body as FanOutput).results).toEqual([{ greeting: "hello Ada" }, { inputs: { n: 1 } }]);
  });

  it("takes container options from the request with js/ctx...; js/data.<field> silently gives the default; ${...} gives a string the schema rejects", async () => {
    const peakWith = async (name: string, maxConcurrent: string) => {
      const answer = await app.request(
        workflows.write(name, [{ name: "fan", node: "parallel-execution" }], {
          fan: { inputs: { execution: { max_concurrent: maxConcurrent }, nodes: ["m1", "m2", "m3"].map((label) => ({ name: label, node: "wait" })) } },
          ...waitConfig("m1", 60),
          ...waitConfig("m2", 60),
          ...waitConfig("m3", 60),
        }),
        { limit: 1 },
      );
      return answer;
    };
    const fromCtx = await peakWith("limit-ctx", "js/ctx.request.body.limit");
    expect((fromCtx.body as { execution_info: { concurrent_peak: number } }).execution_info.concurrent_peak).toBe(1);
    const fromData = await peakWith("limit-data", "js/data.limit");
    expect((fromData.body as { execution_info: { concurrent_peak: number } }).execution_info.concurrent_peak).toBe(3);
    const interpolated = await peakWith("limit-interpolated", "${ctx.request.body.limit}");
    expect(interpolated.status).toBe(500);
    expect((interpolated.body as { error: string }).error).toContain("execution.max_concurrent must be a number");
  });

  it("runs map mode over items taken from the request, each child reading its item as js/ctx.item", async () => {
    const answer = await app.request(
      workflows.write("map", [{ name: "fan", node: "parallel-execution" }], {
        fan: { inputs: { map: { items: "js/ctx.request.body.items", node: { name: "each", node: "echo" } } } },
        each: { inputs: { item: "js/ctx.item", index: "js/ctx.index" } },
      }),
      { items: ["a", "b", "c"] },
    );
    expect(answer.status).toBe(200);
    expect((answer.body as FanOutput).results).toEqual(["a", "b", "c"].map((item, index) => ({ inputs: { item, index } })));
  });

  it("has no Python step type in the released runner: a top-level runtime.python3 step fails the workflow", async () => {
    const answer = await app.request(workflows.write("python-step", [{ name: "py", node: "sum", type: "runtime.python3" }], { py: {} }));
    expect(answer).toEqual({ status: 500, body: { error: "Node type runtime.python3 not found" } });
  });

  it("ignores set_var on the container step, as runner 0.1.14 has none: the output still replaces ctx.response", async () => {
    const name = workflows.write("set-var", [{ name: "fan", node: "parallel-execution", set_var: true }, { name: "read", node: "echo" }], {
      fan: { inputs: { nodes: [{ name: "x", node: "wait" }, { name: "y", node: "wait" }] } },
      ...waitConfig("x", 5),
      ...waitConfig("y", 5),
      read: { inputs: { labels: "js/ctx.response.data.results.map((r) => r.label)" } },
    });
    const answer = await app.request(name);
    expect(answer).toEqual({ status: 200, body: { inputs: { labels: ["x", "y"] } } });
  });
});
