import { beforeAll, describe, expect, it } from "vitest";
import { createContext, mapSecondPass, mapValue, Runner } from "../../src/blok/index.js";
import { asStep, Probe, type ProbeCall } from "./support.js";

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
    const template = { inputs: { a: "${x}", b: "js/data.obj.k", c: "plain", d: 3, e: ["${x}"] } };
    const firstPass = structuredClone(template);
    mapValue(firstPass, ctx);
    const snapshot = structuredClone(firstPass);
    const second = mapSecondPass(template, firstPass, ctx, { x: "from-data", obj: { k: 7 } });
    expect(second).toEqual({ inputs: { a: "from-data", b: 7, c: "plain", d: 3, e: ["from-data"] } });
    expect(firstPass).toEqual(snapshot);
  });

  it("keeps a value the first pass resolved even when it looks like a template", () => {
    const ctx = createContext({ body: { text: "${ctx.request.body.other}" , other: "leak" }, config: {} });
    const template = { inputs: { t: "js/ctx.request.body.text" } };
    const firstPass = structuredClone(template);
    mapValue(firstPass, ctx);
    expect(mapSecondPass(template, firstPass, ctx, {})).toEqual({ inputs: { t: "${ctx.request.body.other}" } });
  });
});
