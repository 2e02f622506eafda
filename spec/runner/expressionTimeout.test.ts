import { describe, expect, it } from "vitest";
import { DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import { createRegistry, runWorkflow, type Workflow } from "../../src/runner/index.js";

const logger = new DefaultLogger({ enabled: false });
const registry = () => createRegistry({ echo: { handle: (_ctx: unknown, inputs: unknown) => inputs } });
const SPIN = "js/(()=>{while(true){}})()";

describe("runWorkflow(): expression time limit (issue 12 item 6)", () => {
  it("fails a step whose expression never returns, naming the step, the field and the limit, and the process goes on", async () => {
    const workflow: Workflow = { name: "spin", steps: [{ name: "compute", node: "echo", type: "module" }], nodes: { compute: { inputs: { a: 1, total: SPIN } } } };
    const started = performance.now();
    await expect(runWorkflow(workflow, { registry: registry(), logger, expressionTimeoutMs: 100 })).rejects.toThrow(
      "Step 'compute': the expression in field 'inputs.total' did not finish within the expression time limit of 100 ms",
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    // The next run of the same workflow document works as before (nothing was left half-mapped).
    const fine: Workflow = { ...workflow, nodes: { compute: { inputs: { total: "js/[1, 2].map((n) => n * 2)" } } } };
    expect((await runWorkflow(fine, { registry: registry(), logger })).response.data).toEqual({ total: [2, 4] });
  });

  it("bounds an if-else condition too", async () => {
    const workflow: Workflow = {
      name: "spin-condition",
      steps: [{ name: "route", node: "@blok-ts/if-else", type: "module" }],
      nodes: { route: { conditions: [{ type: "if", condition: "(() => { for (;;) {} })()", steps: [] }] } },
    };
    await expect(runWorkflow(workflow, { registry: registry(), logger, expressionTimeoutMs: 80 })).rejects.toThrow(
      "Step 'route': the expression in field '(() => { for (;;) {} })()' did not finish within the expression time limit of 80 ms",
    );
  });

  it("bounds the mapping of a container child's inputs", async () => {
    const env = createEnvironment({ nodes: { echo: { handle: (_ctx: unknown, inputs: unknown) => inputs } } });
    try {
      const workflow: Workflow = {
        name: "spin-child",
        steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
        nodes: {
          fan: { inputs: { nodes: [{ name: "fine", node: "echo", type: "module" }, { name: "kid", node: "echo", type: "module" }] } },
          fine: { inputs: {} },
          kid: { inputs: { v: SPIN } },
        },
      };
      await expect(env.run(workflow, { logger, expressionTimeoutMs: 60 })).rejects.toThrow(/Step 'kid': the expression in field 'inputs\.v' did not finish within the expression time limit of 60 ms/);
    } finally {
      await env.close();
    }
  });
});

describe("resolveWorkflow(): keys named __proto__ (issue 12 item 8)", () => {
  it("a step named __proto__ keeps its config", async () => {
    const workflow = JSON.parse('{"steps": [{"name": "__proto__", "node": "echo", "type": "module"}], "nodes": {"__proto__": {"inputs": {"who": "${ctx.request.body.who}"}}}}') as Workflow;
    const { ctx, response } = await runWorkflow(workflow, { registry: registry(), logger, body: { who: "ada" } });
    expect(response.data).toEqual({ who: "ada" });
    expect(Object.getPrototypeOf(ctx.config)).toBe(Object.prototype);
    expect(Object.hasOwn(ctx.config, "__proto__")).toBe(true);
  });
});
