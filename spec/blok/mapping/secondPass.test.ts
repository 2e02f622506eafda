import { beforeAll, describe, expect, it } from "vitest";
import { createContext, mapFirstPass, mapInputs, Runner } from "../../../src/blok/index.js";
import { asStep, Probe, type ProbeCall } from "../support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("the second mapping pass (template-driven)", () => {
  it("never evaluates strings inside data an expression produced (no js/ injection from data)", async () => {
    const calls: ProbeCall[] = [];
    const rows = ["js/globalThis.__blokInjected = true", "${ctx.request.body.secret}"];
    const ctx = createContext({ body: { secret: "s3cret" }, config: { step: { inputs: { rows: "js/ctx.vars.rows" } } } });
    ctx.vars = { rows };
    await new Runner([asStep(new Probe(undefined, calls), "step")]).run(ctx);
    expect(calls[0]?.inputs).toEqual({ rows: ["js/globalThis.__blokInjected = true", "${ctx.request.body.secret}"] });
    expect((globalThis as Record<string, unknown>).__blokInjected).toBeUndefined();
  });

  it("shares what an expression produced instead of copying it on every step", async () => {
    const calls: ProbeCall[] = [];
    const dataset = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const ctx = createContext({ config: { step: { inputs: { rows: "js/ctx.vars.dataset", label: "n=${ctx.vars.dataset.length}" } } } });
    ctx.vars = { dataset };
    await new Runner([asStep(new Probe(undefined, calls), "step")]).run(ctx);
    const inputs = calls[0]?.inputs as { rows: unknown; label: string };
    expect(inputs.rows).toBe(dataset);
    expect(inputs.label).toBe("n=1000");
  });

  it("gives strings the first pass left alone a second chance with data, and keeps ctx.config at its first-pass result", () => {
    const ctx = createContext({ config: {} });
    const config = { inputs: { a: "${x}", b: "js/data.obj.k", c: "plain", d: 3, e: ["${x}"] } };
    const record = mapFirstPass(config, ctx);
    const snapshot = structuredClone(config);
    for (const copy of ["copy", "share"] as const) {
      const second = mapInputs(config, record, ctx, { x: "from-data", obj: { k: 7 } }, copy);
      expect(second).toEqual({ a: "from-data", b: 7, c: "plain", d: 3, e: ["from-data"] });
      expect(config).toEqual(snapshot);
    }
  });

  it("keeps a value the first pass resolved even when it looks like a template", () => {
    const ctx = createContext({ body: { text: "${ctx.request.body.other}" , other: "leak" }, config: {} });
    const config = { inputs: { t: "js/ctx.request.body.text" } };
    const record = mapFirstPass(config, ctx);
    expect(mapInputs(config, record, ctx, {}, "copy")).toEqual({ t: "${ctx.request.body.other}" });
  });

  it("hands over conditions when inputs map to nothing, and nothing for a config that is not an object", () => {
    const ctx = createContext({ config: {} });
    const config = { inputs: "js/undefined", conditions: [{ type: "if", condition: "true", steps: [] }] };
    const record = mapFirstPass(config, ctx);
    expect(mapInputs(config, record, ctx, {}, "copy")).toEqual(config.conditions);
    expect(mapInputs("js/1", undefined, ctx, {}, "copy")).toBeUndefined();
  });

  it("copies literal parts, keeping shared references and class instances' prototypes, so writes never reach the config", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const ctx = createContext({ config: {} });
    const shared = { n: 1 };
    const config = { inputs: { rows: [{ v: 1 }, { v: 2 }], twice: [shared, shared], point: new Point(3), label: "plain" } };
    const inputs = mapInputs(config, mapFirstPass(config, ctx), ctx, {}, "copy") as typeof config.inputs;
    expect(inputs).toEqual(config.inputs);
    expect(inputs.rows).not.toBe(config.inputs.rows);
    expect(inputs.rows[0]).not.toBe(config.inputs.rows[0]);
    expect(inputs.twice[0]).toBe(inputs.twice[1]);
    expect(inputs.twice[0]).not.toBe(shared);
    expect(inputs.point).toBeInstanceOf(Point);
    expect(inputs.point).not.toBe(config.inputs.point);
    (inputs.rows[0] as { v: number }).v = 99;
    expect(config.inputs.rows[0]?.v).toBe(1);
  });

  it("shares literal parts no pass rewrites, and copies (shallowly) only containers whose slots the second pass maps", () => {
    const ctx = createContext({ config: {} });
    const rows = [{ v: 1 }, { v: 2 }];
    const config = { inputs: { rows, label: "${x}", nested: { keep: [1, 2], fromData: ["${x}"] } } };
    const inputs = mapInputs(config, mapFirstPass(config, ctx), ctx, { x: "X" }, "share") as { rows: unknown; label: string; nested: { keep: unknown; fromData: string[] } };
    expect(inputs.rows).toBe(rows);
    expect(inputs.label).toBe("X");
    expect(inputs.nested.keep).toBe(config.inputs.nested.keep);
    expect(inputs.nested.fromData).toEqual(["X"]);
    expect(config.inputs.label).toBe("${x}");
    expect(config.inputs.nested.fromData).toEqual(["${x}"]);
    const untouched = { inputs: { rows } };
    expect(mapInputs(untouched, mapFirstPass(untouched, ctx), ctx, {}, "share")).toBe(untouched.inputs);
  });
});
