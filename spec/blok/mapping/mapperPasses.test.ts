import { describe, expect, it } from "vitest";
import { createContext, runSteps } from "../../../src/blok/index.js";
import { asStep, Probe, type ProbeCall, silentLogger } from "../support.js";

// blok-compat 4.2: pass 1 maps ctx.config[name] in place with no data, pass 2 maps a copy with
// data = ctx.response.data || ctx.request.body. A string resolved in pass 1 is frozen there.
const TABLE = {
  bodyField: "${ctx.request.body.x}",
  dataField: "${x}",
  varsInPlaceholder: "${vars.a}",
  ctxVarsExpression: "js/ctx.vars.a.b",
  varsExpression: "js/vars.a.b",
  wholeData: "js/data",
  dataMember: "js/data.x",
  deepDataMember: "js/data.obj.k",
  previousOutput: "js/ctx.response.data",
  missingPath: "${ctx.request.body.missing.deeper}",
};

async function runTable() {
  const calls: ProbeCall[] = [];
  const config = {
    a: {},
    previous: {},
    capture: { inputs: structuredClone(TABLE) },
  };
  const ctx = createContext({ config, body: { x: 7 }, logger: silentLogger() });
  await runSteps(ctx, [
    asStep(new Probe(() => ({ b: 42 })), "a", { set_var: true }),
    asStep(new Probe(() => ({ x: "prev-x", obj: { k: "prev-k" } })), "previous"),
    asStep(new Probe((inputs) => inputs, calls), "capture"),
  ]);
  return { ctx, inputs: calls[0]?.inputs as Record<keyof typeof TABLE, unknown>, config };
}

describe("two mapping passes (blok-compat 4.2)", () => {
  it("hands handle() exactly what the table of 4.2 says", async () => {
    const { inputs } = await runTable();
    expect(inputs.bodyField).toBe("7");
    expect(inputs.dataField).toBe("prev-x");
    expect(inputs.varsInPlaceholder).toBe("undefined");
    expect(inputs.ctxVarsExpression).toBe(42);
    expect(inputs.varsExpression).toBe(42);
    expect(inputs.wholeData).toEqual({});
    expect(inputs.dataMember).toBeUndefined();
    expect(inputs.deepDataMember).toBe("prev-k");
    expect(inputs.previousOutput).toEqual({ x: "prev-x", obj: { k: "prev-k" } });
    expect(inputs.missingPath).toBe("${ctx.request.body.missing.deeper}");
  });

  it("leaves ctx.config[name] holding the pass-1 result", async () => {
    const { ctx, config } = await runTable();
    const stored = ctx.config.capture?.inputs;
    expect(stored).toBe(config.capture.inputs);
    expect(stored.bodyField).toBe("7");
    expect(stored.dataField).toBe("${x}");
    expect(stored.wholeData).toEqual({});
    expect(stored.deepDataMember).toBe("js/data.obj.k");
  });

  it("falls back to the request body as data when the previous output is falsy", async () => {
    const calls: ProbeCall[] = [];
    const ctx = createContext({
      config: { empty: {}, capture: { inputs: { fromData: "${x}" } } },
      body: { x: "body-x" },
      logger: silentLogger(),
    });
    await runSteps(ctx, [asStep(new Probe(() => ""), "empty"), asStep(new Probe((inputs) => inputs, calls), "capture")]);
    expect(calls[0]?.inputs).toEqual({ fromData: "body-x" });
  });
});
