import { beforeAll, describe, expect, it } from "vitest";
import { runWorkflowFile, workflow } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: workflow outputs are checked field by field
type Any = any;

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

const BODY = { user: { name: "ada" }, tags: ["b"], remove_me: 1 };
const SEED = { counter: 0, list: ["x"], deep: { level: { value: "original" } } };
const PREVIOUS = { from_seed: "original", nested: { kept: true } };

describe("isolation through a real workflow: children mutating ctx.vars, ctx.request.body, ctx.response and ctx.config", () => {
  it("each child starts from the same initial context, sees only its own writes, and nothing reaches siblings, parent or next step", async () => {
    const body = structuredClone(BODY);
    const { ctx, response } = await runWorkflowFile(workflow("isolation"), body);
    const children = (ctx.vars?.fan as Any).results as Any[];
    expect(children.map((child) => child.label)).toEqual(["m1", "m2", "m3"]);
    for (const child of children) {
      const label = child.label as string;
      // Read after a pause in which every sibling had written: still the initial context.
      expect(child.before).toEqual({ body: BODY, shared: SEED, response: PREVIOUS, vars: ["seed"] });
      // Its own writes, at every depth, and none of its siblings'.
      expect(child.after.body).toEqual({ user: { name: label }, tags: [label, "b"].sort(), [label]: true });
      expect(child.after.shared).toEqual({ counter: 1, list: ["x", label], deep: { level: { value: label } }, defined: label });
      expect(child.after.response).toEqual({ ...PREVIOUS, from_seed: label });
      expect(child.after.vars).toEqual([label, "seed"]);
    }
    // The next step sees the original context (set_var on the container kept ctx.response).
    expect(response.data).toEqual({
      inputs: { m2_config: { inputs: { label: "m2", sibling: "m3", pause_ms: 25 } } },
      body: BODY,
      vars: { seed: SEED, fan: expect.any(Object) },
      response: PREVIOUS,
    });
    // The caller's body object itself was never written.
    expect(body).toEqual(BODY);
    expect(ctx.vars).not.toHaveProperty("m1");
    expect(ctx.response).not.toHaveProperty("extra");
    for (const name of ["m1", "m2", "m3"]) expect(ctx.config[name]).not.toHaveProperty("inputs.hijacked");
  });

  it("the container's output is plain data (no copy-on-write views), safe to clone or send", async () => {
    const { ctx } = await runWorkflowFile(workflow("isolation"), structuredClone(BODY));
    expect(() => structuredClone(ctx.vars?.fan)).not.toThrow();
  });
});

describe("a container child named __proto__", () => {
  it("keeps its own node config (it used to become the config map's prototype)", async () => {
    const { response } = await runWorkflowFile(workflow("proto-child"), {});
    expect((response.data as Any).results).toEqual([{ inputs: { v: "proto" } }, { inputs: { v: "plain" } }]);
  });
});
