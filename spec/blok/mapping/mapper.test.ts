import { describe, expect, it } from "vitest";
import { type Context, mapperData, mapString, mapValue, runJs } from "../../../src/blok/index.js";
import { Probe, silentLogger, testContext } from "../support.js";

function contextWith(fields: Partial<Context> = {}, lines: string[] = []): Context {
  return Object.assign(testContext({}, { n: 2, x: "body-x", zero: 0, list: [1, 2] }), { logger: silentLogger(lines) }, fields);
}

describe("mapString() interpolation (blok-compat 4.1)", () => {
  it("replaces ${expr} with the evaluated value as a string", () => {
    expect(mapString("n=${ctx.request.body.n}", contextWith())).toBe("n=2");
  });

  it("string-coerces objects, undefined and 0", () => {
    const ctx = contextWith();
    expect(mapString("${ctx.request.body}", ctx)).toBe("[object Object]");
    expect(mapString("${ctx.request.body.nothing}", ctx)).toBe("undefined");
    expect(mapString("${ctx.request.body.zero}", ctx)).toBe("0");
  });

  it("prefers a truthy lodash-style path read from data", () => {
    const data = { user: { name: "ada" }, items: [{ id: "a" }, { id: "b" }], "a.b": "verbatim" };
    const ctx = contextWith();
    expect(mapString("${user.name}", ctx, data)).toBe("ada");
    expect(mapString("${items[1].id}", ctx, data)).toBe("b");
    expect(mapString('${items["0"].id}', ctx, data)).toBe("a");
    expect(mapString("${a.b}", ctx, data)).toBe("verbatim");
  });

  it("falls back to JS when the data value is falsy, keeping the placeholder when that throws", () => {
    expect(mapString("${flag}", contextWith(), { flag: 0 })).toBe("${flag}");
  });

  it("evaluates with empty func and vars, whatever ctx holds", () => {
    const ctx = contextWith({ vars: { a: 1 }, func: { f: () => 1 } });
    expect(mapString("${vars.a}", ctx)).toBe("undefined");
    expect(mapString("${typeof func.f}", ctx)).toBe("undefined");
    expect(mapString("${ctx.vars.a}", ctx)).toBe("1");
  });

  it("ends a placeholder at the first }, replacing each one", () => {
    const ctx = contextWith();
    expect(mapString("${ctx.request.body.n}-${ctx.request.body.x}-${ctx.request.body.n}", ctx)).toBe("2-body-x-2");
  });

  it("leaves a failing placeholder literally in place and maps the others", () => {
    const lines: string[] = [];
    const ctx = contextWith({}, lines);
    expect(mapString("${ctx.missing.deeper}/${ctx.request.body.n}", ctx)).toBe("${ctx.missing.deeper}/2");
    expect(lines.some((line) => line.startsWith("debug Mapper Error 1"))).toBe(true);
  });

  it("always yields a string when there is no js/ prefix", () => {
    expect(mapString("${ctx.request.body.n}", contextWith())).toBe("2");
  });

  it("does not interpret $-patterns of the replacement text", () => {
    const ctx = contextWith({ vars: { price: "$&5" } });
    expect(mapString("cost: ${ctx.vars.price}", ctx)).toBe("cost: $&5");
  });
});

describe("mapString() js/ expressions (blok-compat 4.1)", () => {
  it("replaces the string with the value, of any type", () => {
    const ctx = contextWith();
    expect(mapString("js/ctx.request.body.list", ctx)).toEqual([1, 2]);
    expect(mapString("js/ctx.request.body.n * 10", ctx)).toBe(20);
    expect(mapString("js/null", ctx)).toBeNull();
  });

  it("sees func = ctx.func and vars = ctx.vars, and data", () => {
    const ctx = contextWith({ vars: { a: 2 }, func: { inc: (n: number) => n + 1 } });
    expect(mapString("js/func.inc(vars.a) + data.k", ctx, { k: 10 })).toBe(13);
  });

  it("uses {} for absent func, vars and data", () => {
    expect(mapString("js/[typeof func, typeof vars, JSON.stringify(data)]", contextWith())).toEqual(["object", "object", "{}"]);
  });

  it("keeps the string when the expression throws", () => {
    const lines: string[] = [];
    expect(mapString("js/ctx.nope.deeper", contextWith({}, lines))).toBe("js/ctx.nope.deeper");
    expect(lines.some((line) => line.startsWith("debug Mapper Error 2"))).toBe(true);
  });

  it("lets interpolation feed an expression", () => {
    expect(mapString("js/${ctx.request.body.n} + 1", contextWith())).toBe(3);
  });

  it("runs in strict mode with globals such as process in scope", () => {
    process.env.BLOK_MAPPER_TEST = "visible";
    const ctx = contextWith();
    expect(mapString("js/process.env.BLOK_MAPPER_TEST", ctx)).toBe("visible");
    expect(mapString("js/(function () { return this; })()", ctx)).toBeUndefined();
  });
});

describe("mapValue()", () => {
  it("maps nested objects and arrays in place and returns the same object", () => {
    const config = { inputs: { n: "js/ctx.request.body.n", list: ["${ctx.request.body.x}", 5, true, null] } };
    const result = mapValue(config, contextWith());
    expect(result).toBe(config);
    expect(config).toEqual({ inputs: { n: 2, list: ["body-x", 5, true, null] } });
  });

  it("maps a bare string and leaves other primitives alone", () => {
    const ctx = contextWith();
    expect(mapValue("js/ctx.request.body.n", ctx)).toBe(2);
    expect(mapValue(7, ctx)).toBe(7);
    expect(mapValue(undefined, ctx)).toBeUndefined();
  });

  it("does not enter class instances such as resolved child nodes", () => {
    const child = new Probe();
    child.name = "js/ctx.request.body.n";
    const config = { conditions: [{ condition: "js/ctx.request.body.n", steps: [child] }] };
    mapValue(config, contextWith());
    // A mapped if-else condition becomes true/false: if-else would evaluate a string as code.
    expect(config.conditions[0]?.condition).toBe(true);
    expect(child.name).toBe("js/ctx.request.body.n");
  });
});

describe("mapperData()", () => {
  it("is the previous output, or the request body when that output is falsy", () => {
    const ctx = contextWith();
    expect(mapperData(ctx)).toEqual(ctx.request.body);
    ctx.response.data = { previous: true };
    expect(mapperData(ctx)).toEqual({ previous: true });
  });
});

describe("runJs()", () => {
  it("evaluates with the four names and throws what the expression throws", () => {
    const ctx = contextWith();
    expect(runJs("data.a + vars.b + func.c", ctx, { a: 1 }, { c: 3 }, { b: 2 })).toBe(6);
    expect(() => runJs("undefinedName", ctx)).toThrow(ReferenceError);
    expect(() => runJs("(", ctx)).toThrow(SyntaxError);
  });
});
