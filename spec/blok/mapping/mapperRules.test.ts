import { describe, expect, it } from "vitest";
import {
  type Context,
  ExpressionTimeoutError,
  expressionTimeoutOf,
  mapFirstPass,
  mapInputs,
  MappingError,
  mapString,
  mapValue,
  setExpressionTimeout,
  createContext,
} from "../../../src/blok/index.js";
import { mayRunLong } from "../../../src/blok/mapping/template.js";
import { silentLogger, testContext } from "../support.js";

function contextWith(body: unknown, fields: Partial<Context> = {}): Context {
  return Object.assign(testContext({}, body), { logger: silentLogger() }, fields);
}

describe("mapper: code is what the author wrote", () => {
  it("never reads a substituted value as js/, nor scans it for ${...}", () => {
    const ctx = contextWith({ a: "js/1 + 1", b: "${1 + 1}", c: "js/${1 + 1}" });
    expect(mapString("${ctx.request.body.a}", ctx)).toBe("js/1 + 1");
    expect(mapString("${ctx.request.body.b}", ctx)).toBe("${1 + 1}");
    expect(mapString("${ctx.request.body.c}", ctx)).toBe("js/${1 + 1}");
    expect(mapString("${ctx.request.body.a}${ctx.request.body.b}", ctx)).toBe("js/1 + 1${1 + 1}");
  });

  it("inside js/, a placeholder is its value: in code, in a quoted string and in a template literal", () => {
    const ctx = contextWith({ n: 2, text: "2", name: "o'brien \" `x` ${y}", list: [1, 2] });
    expect(mapString("js/${ctx.request.body.n} + 1", ctx)).toBe(3);
    // The value, not its text: "2" (a string) + 1 is "21".
    expect(mapString("js/${ctx.request.body.text} + 1", ctx)).toBe("21");
    expect(mapString("js/${ctx.request.body.list}.length", ctx)).toBe(2);
    expect(mapString("js/'Hello ${ctx.request.body.name}!'", ctx)).toBe("Hello o'brien \" `x` ${y}!");
    expect(mapString('js/"[${ctx.request.body.name}]"', ctx)).toBe("[o'brien \" `x` ${y}]");
    expect(mapString("js/`<${ctx.request.body.name}>`", ctx)).toBe("<o'brien \" `x` ${y}>");
    expect(mapString("js/'it\\'s ${ctx.request.body.n}'", ctx)).toBe("it's 2");
  });

  it("the two passes: what the first substituted is kept, what it could not is mapped whole, as written, with data", () => {
    const ctx = contextWith({ x: "${ctx.request.body.y}", y: "never" });
    const config = { inputs: { a: "${ctx.request.body.x}", b: "${ctx.request.body.x}-${fromData}", c: "js/data.obj.k" } };
    const firstPass = mapFirstPass(config, ctx, "step");
    // b did not map whole: it is left as written (Blok would keep the half-substituted text and re-scan it).
    expect(config.inputs).toEqual({ a: "${ctx.request.body.y}", b: "${ctx.request.body.x}-${fromData}", c: "js/data.obj.k" });
    const inputs = mapInputs(config, firstPass, ctx, { fromData: "js/0", obj: { k: "${ctx.request.body.y}" } }, "copy", "step");
    expect(inputs).toEqual({ a: "${ctx.request.body.y}", b: "${ctx.request.body.y}-js/0", c: "${ctx.request.body.y}" });
  });

  it("a config already mapped is not mapped again: its substituted slots are data", () => {
    const ctx = contextWith({ x: "js/globalThis.__mapperRulesCanary = 1" });
    const config = { inputs: { x: "${ctx.request.body.x}", all: "js/ctx.request.body" } };
    mapFirstPass(config, ctx, "s");
    mapFirstPass(config, ctx, "s");
    mapValue(config, ctx);
    expect(mapInputs(config, undefined, ctx, ctx.request.body, "copy", "s")).toEqual({ x: "js/globalThis.__mapperRulesCanary = 1", all: { x: "js/globalThis.__mapperRulesCanary = 1" } });
    expect((globalThis as Record<string, unknown>).__mapperRulesCanary).toBeUndefined();
  });

  it("an if-else condition that was mapped becomes true or false (a string would be run as code)", () => {
    const ctx = contextWith({ c: "globalThis.__mapperRulesCanary = 2" });
    const config = { conditions: [{ type: "if", condition: "${ctx.request.body.c}" }, { type: "if", condition: "js/ctx.request.body.c" }, { type: "if", condition: "'${ctx.request.body.c}' === 'x'" }, { type: "else", condition: "ctx.vars" }] };
    mapFirstPass(config, ctx, "route");
    expect(config.conditions.map((entry) => entry.condition)).toEqual([true, true, false, "ctx.vars"]);
    expect((globalThis as Record<string, unknown>).__mapperRulesCanary).toBeUndefined();
  });
});

describe("mapper: defects of issue 12 item 8", () => {
  it("an inputs key __proto__ stays a plain key (it used to become the inputs' prototype)", () => {
    const config = JSON.parse('{"inputs": {"__proto__": {"a": "${ctx.request.body.n}"}, "b": 1}}');
    const ctx = contextWith({ n: 7 });
    for (const copy of ["copy", "share"] as const) {
      const inputs = mapInputs(config, undefined, ctx, ctx.request.body, copy, "s") as Record<string, unknown>;
      expect(Object.getPrototypeOf(inputs)).toBe(Object.prototype);
      expect(Object.hasOwn(inputs, "__proto__")).toBe(true);
      expect(inputs.__proto__).toEqual({ a: "7" });
      expect(Object.keys(inputs)).toEqual(["__proto__", "b"]);
    }
  });

  it("an empty ${} is an error naming the step and the field (it used to map to [object Object])", () => {
    const ctx = contextWith({ n: 1 });
    const config = { inputs: { list: [{ text: "a${}b" }] } };
    expect(() => mapFirstPass(config, ctx, "greet")).toThrow(new MappingError("greet", "inputs.list[0].text", "'${}' is an empty placeholder: write an expression inside it, e.g. ${ctx.request.body.name}"));
    expect(() => mapInputs({ inputs: { t: "${ }" } }, undefined, ctx, {}, "copy", "greet")).toThrow("Step 'greet': field 'inputs.t' cannot be mapped: '${ }' is an empty placeholder");
    // As data it is just text.
    expect(mapString("${ctx.request.body.t}", contextWith({ t: "${}" }))).toBe("${}");
  });
});

describe("mapper: expression time limit (issue 12 item 6)", () => {
  const spin = "js/(()=>{while(true){}})()";

  it("interrupts an expression that never returns, naming the step, the field and the limit", () => {
    const ctx = contextWith({});
    setExpressionTimeout(ctx, 50);
    const config = { inputs: { ok: "js/ctx.request.body", deep: { n: spin } } };
    expect(() => mapFirstPass(config, ctx, "hang")).toThrow(new ExpressionTimeoutError("hang", "inputs.deep.n", 50));
    expect(() => mapInputs({ inputs: { x: '${eval("for(;;);")}' } }, undefined, ctx, {}, "copy", "later")).toThrow(
      "Step 'later': the expression in field 'inputs.x' did not finish within the expression time limit of 50 ms",
    );
  });

  it("is 1,000 ms by default, set per context (createContext option, else BLOK_EXPRESSION_TIMEOUT_MS)", () => {
    expect(expressionTimeoutOf(contextWith({}))).toBe(1000);
    expect(expressionTimeoutOf(createContext({ config: {}, env: {} }))).toBe(1000);
    expect(expressionTimeoutOf(createContext({ config: {}, env: { BLOK_EXPRESSION_TIMEOUT_MS: "250" } }))).toBe(250);
    expect(expressionTimeoutOf(createContext({ config: {}, env: { BLOK_EXPRESSION_TIMEOUT_MS: "250" }, expressionTimeoutMs: 0 }))).toBe(0);
    expect(() => createContext({ config: {}, env: { BLOK_EXPRESSION_TIMEOUT_MS: "soon" } })).toThrow("BLOK_EXPRESSION_TIMEOUT_MS must be a whole number of milliseconds >= 0: received 'soon'");
  });

  it("passes with calls still map normally under the limit, and side effects run once", () => {
    const ctx = contextWith({ list: [3, 1, 2] });
    setExpressionTimeout(ctx, 1000);
    const calls: number[] = [];
    ctx.func = { record: (n: number) => calls.push(n) };
    const config = { inputs: { sorted: "js/[...ctx.request.body.list].sort()", plain: "js/ctx.request.body.list.length", call: "js/func.record(1)" } };
    mapFirstPass(config, ctx, "s");
    expect(config.inputs).toEqual({ sorted: [1, 2, 3], plain: 3, call: 1 });
    expect(calls).toEqual([1]);
  });
});

describe("mapper: which expressions need the watchdog", () => {
  it("reads, arithmetic, linear builtins and call-free callbacks do not; loops, regular expressions, unknown calls and nested work do", () => {
    const fast = ["ctx.a.b", "ctx.a.toUpperCase()", "ctx.items.reduce((s, i) => s + i.price, 0)", "Math.max(1, 2)", "a.map(x => x.id).filter(y => y)", "'(' + x", "a == 1 && b >= 2"];
    const slow = ["(()=>{while(true){}})()", "x.replace(/a/g, 'b')", "'a'.repeat(1e9)", "f(x)", "ctx.f()(1)", "`x`", "new Date()", "a = 1", "i++", "a.map(x => b.includes(x))", "a.map(x => x.map(y => y))", "eval('1')"];
    expect(fast.filter(mayRunLong)).toEqual([]);
    expect(slow.filter((source) => !mayRunLong(source))).toEqual([]);
  });

  it("bounds a catastrophic regular expression fed by request data (ReDoS)", () => {
    const ctx = contextWith({ s: `${"a".repeat(40)}!` });
    setExpressionTimeout(ctx, 100);
    expect(() => mapFirstPass({ inputs: { ok: "js//^(a+)+$/.test(ctx.request.body.s)" } }, ctx, "check")).toThrow(new ExpressionTimeoutError("check", "inputs.ok", 100));
  });
});
