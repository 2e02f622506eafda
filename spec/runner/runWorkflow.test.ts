import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { GlobalError } from "../../src/blok/index.js";
import { NodeNotFoundError } from "../../src/runtimes/module/index.js";
import { createRegistry, runWorkflow, type Workflow } from "../../src/runner/index.js";
import { Probe, type ProbeCall, silentLogger } from "../blok/support.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/blok");
const NODES = path.join(FIXTURES, "nodes");
const JSON_WORKFLOW = path.join(FIXTURES, "workflows/three-steps.json");
const YAML_WORKFLOW = path.join(FIXTURES, "workflows/three-steps.yaml");

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

function reportRegistry() {
  return createRegistry({ "@test/report": { handle: (_ctx, inputs: unknown) => inputs } });
}

describe("runWorkflow()", () => {
  it("runs a three-step workflow file: local set_var step, if-else branch, module report", async () => {
    const { ctx, response } = await runWorkflow(JSON_WORKFLOW, {
      body: { values: [5, 9], owner: "ada" },
      registry: reportRegistry(),
      nodesDir: NODES,
      logger: silentLogger(),
    });
    expect(response).toBe(ctx.response);
    expect(response.data).toEqual({ total: 14, label: "big", summary: "ada has 14" });
    expect(response.success).toBe(true);
    expect(ctx.vars).toEqual({ prepare: { total: 14 } });
    expect(ctx.workflow_name).toBe("three-steps");
    expect(ctx.workflow_path).toBe(JSON_WORKFLOW);
    expect(ctx.request.body).toEqual({ values: [5, 9], owner: "ada" });
  });

  it("runs the YAML twin down the other branch", async () => {
    const { response } = await runWorkflow(YAML_WORKFLOW, {
      body: { values: [1, 2], owner: "bob" },
      registry: reportRegistry(),
      nodesDir: NODES,
      logger: silentLogger(),
    });
    expect(response.data).toEqual({ total: 3, label: "small", summary: "bob has 3" });
  });

  it("swallows an error returned by a set_var step, as Blok does", async () => {
    const { ctx, response } = await runWorkflow(JSON_WORKFLOW, {
      body: { values: [], owner: "eve" },
      registry: reportRegistry(),
      nodesDir: NODES,
      logger: silentLogger(),
    });
    expect(ctx.vars).toEqual({ prepare: {} });
    expect(response.data).toMatchObject({ label: "small", total: undefined });
  });

  it("fails with the step's GlobalError, code and json kept", async () => {
    const workflow: Workflow = {
      name: "failing",
      steps: [{ name: "sum", node: "sum", type: "local" }],
      nodes: { sum: { inputs: { values: [] } } },
    };
    const failure = (await runWorkflow(workflow, { nodesDir: NODES, logger: silentLogger() }).catch((error: unknown) => error)) as GlobalError;
    expect(failure).toBeInstanceOf(GlobalError);
    expect(failure.message).toBe("nothing to sum");
    expect(failure.context).toMatchObject({ code: 422, json: { field: "values" }, name: "sum" });
  });

  it("fails on an unknown node before any step runs", async () => {
    const calls: ProbeCall[] = [];
    const registry = createRegistry({ probe: new Probe(undefined, calls) });
    const workflow: Workflow = {
      steps: [
        { name: "first", node: "probe", type: "module" },
        { name: "second", node: "@acme/ghost", type: "module" },
      ],
      nodes: { first: {}, second: {} },
    };
    await expect(runWorkflow(workflow, { registry, logger: silentLogger() })).rejects.toSatisfy(
      (error: Error) => /^Step '\w+' of workflow '[^']+' cannot be resolved: Node @acme\/ghost not found$/.test(error.message) && error.cause instanceof NodeNotFoundError,
    );
    expect(calls).toEqual([]);
  });

  it("validates an inline workflow", async () => {
    await expect(runWorkflow({ steps: [] } as Workflow)).rejects.toThrow("Invalid workflow <inline workflow>: Workflow must have at least one step");
  });

  it("passes env, request parts and id into the context", async () => {
    const calls: ProbeCall[] = [];
    const { ctx, response } = await runWorkflow(
      {
        steps: [{ name: "look", node: "probe", type: "module" }],
        nodes: { look: { inputs: { token: "js/ctx.env.TOKEN", who: "${ctx.request.headers.user}", q: "${ctx.request.query.q}" } } },
      },
      {
        registry: createRegistry({ probe: new Probe(undefined, calls) }),
        env: { TOKEN: "t-1" },
        headers: { user: "ada" },
        query: { q: "find" },
        method: "POST",
        id: "run-7",
        logger: silentLogger(),
      },
    );
    expect(response.data).toEqual({ token: "t-1", who: "ada", q: "find" });
    expect(ctx.id).toBe("run-7");
    expect(ctx.request.method).toBe("POST");
  });

  it("stops before the first step when the signal has already aborted", async () => {
    const calls: ProbeCall[] = [];
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    const run = runWorkflow(
      { steps: [{ name: "p", node: "probe", type: "module" }], nodes: { p: {} } },
      { registry: createRegistry({ probe: new Probe(undefined, calls) }), signal: controller.signal, logger: silentLogger() },
    );
    await expect(run).rejects.toBeInstanceOf(GlobalError);
    await expect(run).rejects.toThrow("too late");
    expect(calls).toEqual([]);
  });
});

describe("runWorkflow() with a workflow object run twice", () => {
  it("maps each run afresh: the second body gives the second result (the document is never written)", async () => {
    const { createRegistry } = await import("../../src/runner/index.js");
    const registry = createRegistry({ echo: { handle: (_ctx: unknown, inputs: unknown) => inputs } });
    const doc = { name: "twice", steps: [{ name: "e", node: "echo", type: "module" }], nodes: { e: { inputs: { x: "js/ctx.request.body.x" } } } };
    const first = await runWorkflow(doc, { registry, body: { x: 1 }, logger: silentLogger() });
    const second = await runWorkflow(doc, { registry, body: { x: 2 }, logger: silentLogger() });
    expect([first.response.data, second.response.data]).toEqual([{ x: 1 }, { x: 2 }]);
    expect(doc.nodes.e.inputs.x).toBe("js/ctx.request.body.x");
  });
});
