import { describe, expect, it } from "vitest";
import { locateUncloneable } from "../../../src/runtimes/worker/thread/locateUncloneable.js";

class Logger {
  sink = { write: (line: string) => line };
}

describe("locateUncloneable()", () => {
  it("locateUncloneable() returns null for cloneable data", () => {
    expect(locateUncloneable({ a: [1, new Date(0), new Map([["k", 1n]])] }, "ctx", structuredClone)).toBeNull();
  });

  it("locateUncloneable() finds the innermost offending value and the class instance around it", () => {
    expect(locateUncloneable({ id: 1, logger: new Logger() }, "ctx", structuredClone)).toEqual({
      path: "ctx.logger.sink.write",
      what: "a function (write)",
      owner: { path: "ctx.logger", what: "a Logger" },
    });
  });

  it.each([
    ["array items", { rows: [1, Symbol("s")] }, "inputs.rows[1]", "a symbol (s)"],
    ["odd keys", { "a-b": Promise.resolve() }, 'inputs["a-b"]', "a Promise"],
    ["map values", new Map([["k", () => 1]]), "inputs.get(k)", "a function"],
    ["set items", new Set([1, new WeakMap()]), "inputs<set item 1>", "a WeakMap"],
  ])("locateUncloneable() walks %s", (_label, value, path, what) => {
    expect(locateUncloneable(value, "inputs", structuredClone)).toMatchObject({ path, what });
  });

  it("locateUncloneable() survives cycles", () => {
    const cyclic: Record<string, unknown> = { f: undefined };
    cyclic.self = cyclic;
    cyclic.f = () => 1;
    expect(locateUncloneable(cyclic, "ctx", structuredClone)).toMatchObject({ path: "ctx.f" });
  });
});
