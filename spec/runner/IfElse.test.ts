import { beforeAll, describe, expect, it } from "vitest";
import { type Condition, GlobalError, runSteps } from "../../src/blok/index.js";
import { IfElse } from "../../src/runner/index.js";
import { asStep, Probe, type ProbeCall, testContext } from "../blok/support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

const a = asStep(new Probe(), "a");
const b = asStep(new Probe(), "b");
const c = asStep(new Probe(), "c");

function choose(conditions: Condition[], fields: { data?: unknown; vars?: Record<string, unknown>; body?: unknown } = {}) {
  const ctx = testContext({}, fields.body ?? {});
  ctx.response.data = fields.data ?? "";
  if (fields.vars) ctx.vars = fields.vars;
  return asStep(new IfElse(), "check").handle(ctx, conditions);
}

describe("IfElse.handle()", () => {
  it("is a flow node with an empty content type", () => {
    const node = new IfElse();
    expect(node.flow).toBe(true);
    expect(node.contentType).toBe("");
  });

  it("returns the steps of the first truthy condition", async () => {
    const conditions: Condition[] = [
      { type: "if", condition: "data.n > 10", steps: [a] },
      { type: "if", condition: "data.n > 5", steps: [b] },
      { type: "else", steps: [c] },
    ];
    expect(await choose(conditions, { data: { n: 20 } })).toEqual([a]);
    expect(await choose(conditions, { data: { n: 7 } })).toEqual([b]);
    expect(await choose(conditions, { data: { n: 1 } })).toEqual([c]);
  });

  it("sees vars = ctx.vars and ctx, and only the previous output as data", async () => {
    const conditions: Condition[] = [
      { type: "if", condition: "vars.flag && ctx.request.body.go", steps: [a] },
      { type: "if", condition: "data.x === 'body'", steps: [b] },
      { type: "else", steps: [c] },
    ];
    expect(await choose(conditions, { vars: { flag: true }, body: { go: 1 } })).toEqual([a]);
    expect(await choose(conditions, { body: { x: "body" } })).toEqual([c]);
  });

  it("lets an entry with a missing or blank condition win unconditionally (else-if chains)", async () => {
    expect(
      await choose([
        { type: "if", condition: "false", steps: [a] },
        { type: "if", condition: "   ", steps: [b] },
        { type: "else", steps: [c] },
      ]),
    ).toEqual([b]);
  });

  it("returns [] when a lone if does not match", async () => {
    expect(await choose([{ type: "if", condition: "false", steps: [a] }])).toEqual([]);
  });

  it("uses the truthiness of a condition the mapper already evaluated", async () => {
    expect(await choose([{ type: "if", condition: false, steps: [a] }, { type: "else", steps: [b] }])).toEqual([b]);
    expect(await choose([{ type: "if", condition: 1, steps: [a] }, { type: "else", steps: [b] }])).toEqual([a]);
  });

  it("requires an if first and an else last", async () => {
    await expect(choose([{ type: "else", steps: [a] }])).rejects.toThrow("First condition must be an if");
    await expect(
      choose([
        { type: "if", condition: "true", steps: [a] },
        { type: "if", steps: [b] },
      ]),
    ).rejects.toThrow("Last condition must be an else");
  });

  it("requires a non-empty conditions list", async () => {
    await expect(choose([])).rejects.toThrow("if-else step 'check' needs a non-empty 'conditions' array in its node config");
    await expect(choose(undefined as unknown as Condition[])).rejects.toThrow(TypeError);
  });
});

describe("IfElse in the step loop", () => {
  it("fails the run with the message of a throwing condition", async () => {
    const ctx = testContext({ check: { conditions: [{ type: "if", condition: "ctx.nothing.here", steps: [] }] } });
    const failure = await runSteps(ctx, [asStep(new IfElse(), "check")]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GlobalError);
    expect((failure as GlobalError).message).toMatch(/Cannot read properties of undefined \(reading 'here'\)/);
  });

  it("runs deep clones of the branch nodes, as Blok does, leaving the configured ones untouched", async () => {
    const calls: ProbeCall[] = [];
    const child = asStep(new Probe(() => "ran", calls), "child");
    const ctx = testContext({ check: { conditions: [{ type: "if", condition: "true", steps: [child] }] }, child: { inputs: { n: 1 } } });
    await runSteps(ctx, [asStep(new IfElse(), "check")]);
    expect(calls.map((call) => call.name)).toEqual(["child"]);
    expect(ctx.config.check?.conditions[0].steps[0]).toBe(child);
    // The clone recorded its config; the configured instance never ran.
    expect(child.originalConfig).toEqual({});
    expect(calls[0]?.inputs).toEqual({ n: 1 });
    expect(ctx.response.data).toBe("ran");
  });
});
