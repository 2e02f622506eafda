import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Workflow } from "../../src/runner/index.js";
import { type Any, CANARY, canary, echoEnvironment, HOSTILE_STRINGS, hostileKeys, keyed, resetCanary } from "./support.js";

// Request data never becomes code (docs/security.md): every hostile string sent in the body, the
// query, the headers, or carried in ctx.vars, arrives verbatim wherever a workflow maps it, and
// none of them runs. Through the runner API (the CLI and the queue have their own suites).
const { env, logger } = echoEnvironment();
afterAll(() => env.close());
beforeEach(resetCanary);
afterEach(() => expect(canary(), "a hostile payload ran").toBeUndefined());

const payloads = keyed();
const keys = Object.keys(payloads);
const templates = (read: (key: string) => string) => Object.fromEntries(keys.map((key) => [key, read(key)]));

function echoWorkflow(inputs: Record<string, unknown>): Workflow {
  return {
    name: "hostile",
    steps: [
      { name: "seed", node: "echo", type: "module", set_var: true },
      { name: "show", node: "echo", type: "module" },
    ],
    nodes: {
      // js/ copies request data into ctx.vars: a value, never a template.
      seed: { inputs: { body: "js/ctx.request.body", query: "js/ctx.request.query", headers: "js/ctx.request.headers" } },
      show: { inputs },
    },
  };
}

describe("hostile request data through the runner API", () => {
  it("arrives verbatim through ${...} and js/ reads of body, query, headers and vars, alone or framed by text", async () => {
    const inputs = {
      body: templates((key) => `\${ctx.request.body.${key}}`),
      bodyJs: templates((key) => `js/ctx.request.body.${key}`),
      framed: templates((key) => `[\${ctx.request.body.${key}}]`),
      query: templates((key) => `\${ctx.request.query.${key}}`),
      headers: templates((key) => `\${ctx.request.headers.${key}}`),
      vars: templates((key) => `\${ctx.vars.seed.body.${key}}`),
      varsJs: templates((key) => `js/ctx.vars.seed.query.${key}`),
    };
    const { response } = await env.run(echoWorkflow(inputs), { body: payloads, query: payloads, headers: payloads, logger });
    const data = response.data as Any;
    for (const field of ["body", "bodyJs", "query", "headers", "vars", "varsJs"]) expect(data[field], field).toEqual(payloads);
    expect(data.framed).toEqual(Object.fromEntries(keys.map((key) => [key, `[${payloads[key]}]`])));
  });

  it("keeps __proto__ and constructor keys of the request as plain data, polluting nothing", async () => {
    const body = { obj: hostileKeys() };
    const { response } = await env.run(
      echoWorkflow({ whole: "js/ctx.request.body.obj", polluted: "${ctx.request.body.obj.__proto__.polluted}", copy: { nested: "js/ctx.vars.seed.body.obj" } }),
      { body, logger },
    );
    const data = response.data as Any;
    expect(Object.hasOwn(data.whole, "__proto__")).toBe(true);
    expect(data.whole.__proto__.polluted).toBe(`js/globalThis.${CANARY} = 'proto'`);
    expect(data.polluted).toBe(`js/globalThis.${CANARY} = 'proto'`);
    expect(Object.hasOwn(data.copy.nested, "__proto__")).toBe(true);
    expect(({} as Any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(data.whole)).toBe(Object.prototype);
  });

  it("if-else: a condition fed by request data does not run it (a placeholder's value is bound, not spliced)", async () => {
    const workflow = (condition: string): Workflow => ({
      name: "hostile-condition",
      steps: [{ name: "route", node: "@blok-ts/if-else", type: "module" }],
      nodes: {
        route: {
          conditions: [
            { type: "if", condition, steps: [{ name: "yes", node: "echo", type: "module" }] },
            { type: "else", steps: [{ name: "no", node: "echo", type: "module" }] },
          ],
        },
        yes: { inputs: { branch: "yes", c: "${ctx.request.body.c}" } },
        no: { inputs: { branch: "no" } },
      },
    });
    const c = `globalThis.${CANARY} = "condition"`;
    for (const condition of ["${ctx.request.body.c}", "js/ctx.request.body.c", "${ctx.request.body.c} && true"]) {
      const { response } = await env.run(workflow(condition), { body: { c }, logger });
      // A non-empty string is truthy: the request's text decides nothing else.
      expect(response.data, condition).toEqual({ branch: "yes", c });
    }
    // A placeholder's value is compared as a value: n = "5" (text) and 5 both read as 5 > 3.
    const compare = (n: unknown) => env.run(workflow("${ctx.request.body.n} > 3"), { body: { n }, logger });
    expect(((await compare(5)).response.data as Any).branch).toBe("yes");
    expect(((await compare("5")).response.data as Any).branch).toBe("yes");
    expect(((await compare(`0 || (globalThis.${CANARY} = 1)`)).response.data as Any).branch).toBe("no");
  });

  it("container config: max_concurrent from the request is a value to validate, not code", async () => {
    const workflow: Workflow = {
      name: "hostile-container",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: {
        fan: { inputs: { execution: { max_concurrent: "${ctx.request.body.mc}" }, nodes: [{ name: "a", node: "echo", type: "module" }] } },
        a: { inputs: {} },
      },
    };
    await expect(env.run(workflow, { body: { mc: `js/globalThis.${CANARY} = "container"` }, logger })).rejects.toThrow(/max_concurrent/);
    const asJs: Workflow = { ...workflow, nodes: { ...workflow.nodes, fan: { inputs: { execution: { max_concurrent: "js/ctx.request.body.mc" }, nodes: [{ name: "a", node: "echo", type: "module" }] } } } };
    await expect(env.run(asJs, { body: { mc: `js/globalThis.${CANARY} = "container-js"` }, logger })).rejects.toThrow(/max_concurrent/);
  });

  it("map mode: hostile items reach each child verbatim, read with js/ or ${...}", async () => {
    const items = HOSTILE_STRINGS.filter((text) => text.length < 1000);
    const workflow: Workflow = {
      name: "hostile-map",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: {
        fan: { inputs: { execution: { max_concurrent: 3 }, map: { items: "js/ctx.request.body.items", node: { name: "each", node: "echo", type: "module" } } } },
        each: { inputs: { item: "js/ctx.item", text: "${ctx.item}", framed: "<${ctx.item}>", body: "${ctx.request.body.items.length}" } },
      },
    };
    const { response } = await env.run(workflow, { body: { items }, logger });
    const results = (response.data as Any).results;
    expect(results).toEqual(items.map((item) => ({ item, text: item, framed: `<${item}>`, body: String(items.length) })));
  });

  it("a config mapped twice (the same step run again) never re-reads what the first run substituted", async () => {
    const workflow: Workflow = {
      name: "twice",
      steps: [
        { name: "show", node: "echo", type: "module" },
        { name: "again", node: "@blok-ts/if-else", type: "module" },
      ],
      nodes: {
        show: { inputs: { x: "${ctx.request.body.x}", y: "js/ctx.request.body.y" } },
        // Runs `show` a second time on the same, already mapped, ctx.config.show.
        again: { conditions: [{ type: "if", steps: [{ name: "show", node: "echo", type: "module" }] }] },
      },
    };
    const body = { x: `js/globalThis.${CANARY} = "second-pass"`, y: { deep: `\${globalThis.${CANARY} = "second-y"}` } };
    const { response } = await env.run(workflow, { body, logger });
    expect(response.data).toEqual(body);
  });
});
