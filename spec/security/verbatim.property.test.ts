/**
 * Property: whatever string a request carries, a workflow that reads it through `${...}` (alone,
 * framed by text, or twice) or `js/` hands it to the node verbatim, through both mapping passes
 * and a container child, and a canary function reachable from every expression is never called.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../src/runner/index.js";
import { CANARY, echoEnvironment } from "./support.js";

const { env, logger } = echoEnvironment();
afterAll(() => env.close());

let fired = 0;
// A function any evaluated payload could call, by any of these names.
(globalThis as Record<string, unknown>)[CANARY] = () => ++fired;

// Random text, plus random text dressed as everything the mapper treats as code.
const fragment = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("js/", "${", "}", "`", "'", '"', "\\", "__proto__", "constructor", `${CANARY}()`, "ctx.request.body.x", "data", "${}", "})()"),
);
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join("")),
  fragment.map((inner) => `js/${CANARY}() || ${inner}`),
  fragment.map((inner) => `\${${CANARY}()}${inner}`),
  fragment.map((inner) => `js/\${${CANARY}()}${inner}`),
  fragment.map((inner) => `\${ctx.request.body.\${${CANARY}()}}${inner}`),
);

const workflow: Workflow = {
  name: "verbatim",
  steps: [
    { name: "plain", node: "echo", type: "module", set_var: true },
    { name: "fan", node: "parallel-execution", type: "module" },
  ],
  nodes: {
    plain: { inputs: { alone: "${ctx.request.body.x}", framed: "<${ctx.request.body.x}|${ctx.request.body.x}>", js: "js/ctx.request.body.x", deep: ["js/ctx.request.body"] } },
    fan: { inputs: { nodes: [{ name: "kid", node: "echo", type: "module" }, { name: "kid2", node: "echo", type: "module" }] } },
    kid: { inputs: { fromVars: "${ctx.vars.plain.alone}", fromVarsJs: "js/ctx.vars.plain.js", query: "${ctx.request.query.x}", header: "${ctx.request.headers.x}" } },
    kid2: { inputs: { body: "${ctx.request.body.x}" } },
  },
};

describe("property: request strings arrive verbatim, nothing runs", () => {
  it("holds for random and template-shaped strings in body, query, headers and vars", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (x) => {
        const { ctx, response } = await env.run(workflow, { body: { x }, query: { x }, headers: { x }, logger });
        expect(ctx.vars?.plain).toEqual({ alone: x, framed: `<${x}|${x}>`, js: x, deep: [{ x }] });
        expect((response.data as { results: unknown[] }).results).toEqual([{ fromVars: x, fromVarsJs: x, query: x, header: x }, { body: x }]);
        expect(fired).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
