import { beforeAll, describe, expect, it } from "vitest";
import {
  type Context,
  GlobalError,
  type NodeBase,
  NodeBlok,
  NodeBlokResponse,
  Runner,
  runSteps,
} from "../../../src/blok/index.js";
import { IfElse } from "../../../src/runner/index.js";
import { asStep, Probe, type ProbeCall, testContext } from "../support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

/** A flow node returning the given children (or whatever `result` yields). */
class Branch extends NodeBlok<unknown> {
  constructor(private readonly result: () => unknown) {
    super();
    this.flow = true;
  }

  async handle(): Promise<NodeBase[]> {
    return this.result() as NodeBase[];
  }
}

function failing(error: unknown, how: "return" | "throw"): Probe {
  return new Probe(() => {
    if (how === "throw") throw error;
    const response = new NodeBlokResponse();
    response.setError(error as GlobalError);
    return response;
  });
}

function order(calls: ProbeCall[]): string[] {
  return calls.map((call) => call.name);
}

function configFor(...names: string[]): Context["config"] {
  return Object.fromEntries(names.map((name) => [name, {}]));
}

describe("runSteps()", () => {
  it("runs steps in order, each response replacing ctx.response", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext(configFor("one", "two"));
    await runSteps(ctx, [asStep(new Probe(() => 1, calls), "one"), asStep(new Probe(() => 2, calls), "two")]);
    expect(order(calls)).toEqual(["one", "two"]);
    expect(calls[1]?.responseData).toBe(1);
    expect(ctx.response).toBeInstanceOf(NodeBlokResponse);
    expect(ctx.response.data).toBe(2);
  });

  it("skips inactive steps", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext(configFor("a", "b", "c"));
    await runSteps(ctx, [
      asStep(new Probe(() => "a", calls), "a"),
      asStep(new Probe(() => "b", calls), "b", { active: false }),
      asStep(new Probe(() => "c", calls), "c"),
    ]);
    expect(order(calls)).toEqual(["a", "c"]);
  });

  it("stops before a stop step and everything after it, ending successfully", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext(configFor("a", "b", "c"));
    await runSteps(ctx, [
      asStep(new Probe(() => "a", calls), "a"),
      asStep(new Probe(() => "b", calls), "b", { stop: true }),
      asStep(new Probe(() => "c", calls), "c"),
    ]);
    expect(order(calls)).toEqual(["a"]);
    expect(ctx.response.data).toBe("a");
  });

  it("a stop inside a flow branch also ends the steps that followed the flow step", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext(configFor("flow", "inner", "halt", "after"));
    const branch = () => [asStep(new Probe(() => "inner", calls), "inner"), asStep(new Probe(() => "halt", calls), "halt", { stop: true })];
    await runSteps(ctx, [asStep(new Branch(branch), "flow"), asStep(new Probe(() => "after", calls), "after")]);
    expect(order(calls)).toEqual(["inner"]);
  });

  it("splices a flow step's children before the remaining steps", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext(configFor("first", "flow", "child1", "child2", "last"));
    const children = () => [asStep(new Probe(() => "c1", calls), "child1"), asStep(new Probe(() => "c2", calls), "child2")];
    await runSteps(ctx, [
      asStep(new Probe(() => "first", calls), "first"),
      asStep(new Branch(children), "flow"),
      asStep(new Probe(() => "last", calls), "last"),
    ]);
    expect(order(calls)).toEqual(["first", "child1", "child2", "last"]);
    expect(calls[1]?.responseData).toBe("first");
  });

  it("runs the branch an if-else step picks, then the following steps", async () => {
    const calls: ProbeCall[] = [];
    const yes = asStep(new Probe(() => "yes", calls), "yes");
    const no = asStep(new Probe(() => "no", calls), "no");
    const pick = (n: number) =>
      testContext(
        {
          check: {
            conditions: [
              { type: "if", condition: "ctx.request.body.n > 1", steps: [yes] },
              { type: "else", steps: [no] },
            ],
          },
          yes: {},
          no: {},
          tail: {},
        },
        { n },
      );
    const steps = () => [asStep(new IfElse(), "check"), asStep(new Probe((_i, ctx) => ctx.response.data, calls), "tail")];

    const big = pick(5);
    await runSteps(big, steps());
    expect(order(calls)).toEqual(["yes", "tail"]);
    expect(big.response.data).toBe("yes");

    calls.length = 0;
    await runSteps(pick(0), steps());
    expect(order(calls)).toEqual(["no", "tail"]);
  });

  it("with set_var swallows a returned error but not a thrown one", async () => {
    const calls: ProbeCall[] = [];
    const returned = testContext(configFor("soft", "next"));
    await runSteps(returned, [
      asStep(failing(new GlobalError("soft failure"), "return"), "soft", { set_var: true }),
      asStep(new Probe(() => "next ran", calls), "next"),
    ]);
    expect(returned.vars).toEqual({ soft: {} });
    expect(order(calls)).toEqual(["next"]);

    const thrown = testContext(configFor("hard", "next"));
    await expect(
      runSteps(thrown, [
        asStep(failing(new GlobalError("hard failure"), "throw"), "hard", { set_var: true }),
        asStep(new Probe(() => "next ran", calls), "next"),
      ]),
    ).rejects.toThrow("hard failure");
    expect(order(calls)).toEqual(["next"]);
  });

  it("sets ctx.response.contentType to each step's before running it", async () => {
    const html = asStep(new Probe(() => "<p/>"), "html");
    html.contentType = "text/html";
    const store = asStep(new Probe(() => 1), "store", { set_var: true });
    const ctx = testContext(configFor("html", "store"));
    await runSteps(ctx, [html]);
    expect(ctx.response.contentType).toBe("text/html");
    await runSteps(ctx, [store]);
    expect(ctx.response.contentType).toBe("");
    expect(ctx.response.data).toBe("<p/>");
  });

  it("shallow-copies ctx.config so keys added by nodes stay out of the caller's map", async () => {
    const config = configFor("adder");
    const ctx = testContext(config);
    await runSteps(ctx, [
      asStep(
        new Probe((_inputs, inner) => {
          inner.config.added = {};
          return null;
        }),
        "adder",
      ),
    ]);
    expect(ctx.config.added).toEqual({});
    expect(config.added).toBeUndefined();
  });
});

describe("runSteps() errors", () => {
  it("throws a returned GlobalError itself, code and json included", async () => {
    const error = new GlobalError("teapot");
    error.setCode(418);
    error.setJson({ brew: "tea" });
    const ctx = testContext(configFor("pot", "after"));
    const calls: ProbeCall[] = [];
    const failure = await runSteps(ctx, [asStep(failing(error, "return"), "pot"), asStep(new Probe(undefined, calls), "after")]).catch(
      (caught: unknown) => caught,
    );
    expect(failure).toBe(error);
    expect(calls).toEqual([]);
  });

  it("throws a thrown GlobalError itself", async () => {
    const error = new GlobalError("conflict");
    error.setCode(409);
    const failure = await runSteps(testContext(configFor("x")), [asStep(failing(error, "throw"), "x")]).catch((caught: unknown) => caught);
    expect(failure).toBe(error);
  });

  it("wraps a plain Error into a GlobalError with its message and no code", async () => {
    const failure = await runSteps(testContext(configFor("x")), [asStep(failing(new RangeError("out of range"), "throw"), "x")]).catch(
      (caught: unknown) => caught,
    );
    expect(failure).toBeInstanceOf(GlobalError);
    expect((failure as GlobalError).message).toBe("out of range");
    expect((failure as GlobalError).context.code).toBeUndefined();
  });

  it("keeps code and json of a GlobalError from another copy of the class", async () => {
    const foreign = Object.assign(new Error("host error"), { context: { message: "host error", code: 451, json: { legal: true } } });
    const failure = (await runSteps(testContext(configFor("x")), [asStep(failing(foreign, "throw"), "x")]).catch(
      (caught: unknown) => caught,
    )) as GlobalError;
    expect(failure.context).toMatchObject({ code: 451, json: { legal: true } });
  });

  it("propagates a flow node's own error (stock Blok says 'flow_steps is not iterable')", async () => {
    const flow = asStep(
      new Branch(() => {
        throw new Error("cannot choose");
      }),
      "flow",
    );
    const failure = await runSteps(testContext(configFor("flow")), [flow]).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(GlobalError);
    expect((failure as GlobalError).message).toBe("cannot choose");
  });

  it("names a flow node that returns something other than an array", async () => {
    const flow = asStep(new Branch(() => ({ not: "steps" })), "flow");
    await expect(runSteps(testContext(configFor("flow")), [flow])).rejects.toThrow("Flow node 'flow' must return an array of steps, got object");
  });

  it("returns a flow node's steps even when its step has set_var", async () => {
    const calls: ProbeCall[] = [];
    const flow = asStep(new Branch(() => [asStep(new Probe(() => "child", calls), "child")]), "flow", { set_var: true });
    const ctx = testContext(configFor("flow", "child"));
    await runSteps(ctx, [flow]);
    expect(order(calls)).toEqual(["child"]);
  });

  it("starts no step once ctx.signal has aborted, throwing the abort reason", async () => {
    const controller = new AbortController();
    const calls: ProbeCall[] = [];
    const ctx = Object.assign(testContext(configFor("first", "second")), { signal: controller.signal });
    const failure = await runSteps(ctx, [
      asStep(
        new Probe(() => {
          controller.abort(new Error("cancelled by caller"));
          return 1;
        }, calls),
        "first",
      ),
      asStep(new Probe(() => 2, calls), "second"),
    ]).catch((caught: unknown) => caught);
    expect(order(calls)).toEqual(["first"]);
    expect(failure).toBeInstanceOf(GlobalError);
    expect((failure as GlobalError).message).toBe("cancelled by caller");
  });
});

describe("Runner", () => {
  it("runs its steps against a context and returns that context", async () => {
    const ctx = testContext(configFor("only"));
    const result = await new Runner([asStep(new Probe(() => "done"), "only")]).run(ctx);
    expect(result).toBe(ctx);
    expect(ctx.response.data).toBe("done");
  });
});
