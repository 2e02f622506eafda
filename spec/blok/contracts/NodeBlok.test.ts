import { beforeAll, describe, expect, it } from "vitest";
import {
  type Context,
  GlobalError,
  InputValidationError,
  MissingNodeConfigError,
  NodeBlok,
  NodeBlokResponse,
  runSteps,
} from "../../../src/blok/index.js";
import { asStep, Probe, type ProbeCall, silentLogger, testContext } from "../support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

class Typed extends NodeBlok<{ n: number }> {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { n: { type: "number" }, s: { type: "string" } },
      required: ["n"],
    };
  }

  async handle(_ctx: Context, inputs: { n: number }): Promise<NodeBlokResponse> {
    const response = new NodeBlokResponse();
    response.setSuccess({ n: inputs.n });
    return response;
  }
}

describe("NodeBlok.run()", () => {
  it("rejects inputs that fail inputSchema with jsonschema's message", async () => {
    const ctx = testContext({ typed: { inputs: { n: "not a number" } } });
    await expect(asStep(new Typed(), "typed").run(ctx)).rejects.toThrow(new InputValidationError(["instance.n is not of a type(s) number"]));
  });

  it("joins several violations with ', ' and the runner reports them as a GlobalError without code", async () => {
    const ctx = testContext({ typed: { inputs: { s: 1 } } });
    const failure = await runSteps(ctx, [asStep(new Typed(), "typed")]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GlobalError);
    expect((failure as GlobalError).message).toBe('instance.s is not of a type(s) string, instance requires property "n"');
    expect((failure as GlobalError).context.code).toBeUndefined();
  });

  it("validates the mapped inputs, not the raw strings", async () => {
    const ctx = testContext({ typed: { inputs: { n: "js/ctx.request.body.n" } } }, { n: 5 });
    const wrapper = await asStep(new Typed(), "typed").run(ctx);
    expect((wrapper.data as NodeBlokResponse).data).toEqual({ n: 5 });
  });

  it("maps a bare-string inputs too (stock Blok hands it over unmapped)", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext({ probe: { inputs: "js/ctx.request.body.n * 2" } }, { n: 4 });
    await asStep(new Probe(undefined, calls), "probe").run(ctx);
    expect(calls[0]?.inputs).toBe(8);
  });

  it("passes conditions when there are no inputs", async () => {
    const calls: ProbeCall[] = [];
    const ctx = testContext({ probe: { conditions: [{ type: "if", steps: [] }] } });
    await asStep(new Probe(undefined, calls), "probe").run(ctx);
    expect(calls[0]?.inputs).toEqual([{ type: "if", steps: [] }]);
  });

  it("works on a copy: what handle does to its inputs never reaches ctx.config", async () => {
    const ctx = testContext({ probe: { inputs: { list: [1] } } });
    await asStep(
      new Probe((inputs) => {
        (inputs as { list: number[] }).list.push(2);
        return null;
      }),
      "probe",
    ).run(ctx);
    expect(ctx.config.probe).toEqual({ inputs: { list: [1] } });
  });

  it("returns the response with the node's contentType, not the response's default", async () => {
    const node = asStep(new Probe(() => "<p>hi</p>"), "page");
    node.contentType = "text/html";
    const ctx = testContext({ page: {} });
    const wrapper = await node.run(ctx);
    expect(wrapper).toMatchObject({ success: true, error: null });
    expect(wrapper.data).toBeInstanceOf(NodeBlokResponse);
    expect((wrapper.data as NodeBlokResponse).contentType).toBe("text/html");

    const plain = asStep(new Probe(() => 1), "plain");
    const plainWrapper = await plain.run(testContext({ plain: {} }));
    expect((plainWrapper.data as NodeBlokResponse).contentType).toBe("");
  });

  it("with set_var stores result.data in ctx.vars[name] and returns ctx.response unchanged", async () => {
    const ctx = testContext({ store: {} });
    ctx.vars = { earlier: 1 };
    const before = ctx.response;
    const wrapper = await asStep(new Probe(() => ({ kept: true })), "store", { set_var: true }).run(ctx);
    expect(ctx.vars).toEqual({ earlier: 1, store: { kept: true } });
    expect(wrapper.data).toBe(before);
    expect(ctx.response).toBe(before);
  });

  it("fails with MissingNodeConfigError when the step has no node config", async () => {
    const ctx = testContext({});
    await expect(asStep(new Probe(), "ghost").run(ctx)).rejects.toThrow(MissingNodeConfigError);
    await expect(asStep(new Probe(), "ghost").run(ctx)).rejects.toThrow(/Node config for step 'ghost' not found/);
  });

  it("rejects a non-flow handle that returns no response object", async () => {
    class Bare extends NodeBlok<unknown> {
      async handle(): Promise<NodeBlokResponse> {
        return undefined as unknown as NodeBlokResponse;
      }
    }
    await expect(asStep(new Bare(), "bare").run(testContext({ bare: {} }))).rejects.toThrow(
      "Node 'bare' handle() must return a NodeBlokResponse, got undefined",
    );
  });

  it("logs a Running and an Executed line through ctx.logger", async () => {
    const lines: string[] = [];
    const ctx = Object.assign(testContext({ probe: {} }), { logger: silentLogger(lines) });
    await asStep(new Probe(), "probe").process(ctx);
    expect(lines[0]).toBe("info Running node: probe [{}]");
    expect(lines[1]).toMatch(/^info Executed node: probe in \d+\.\d{2}ms$/);
  });
});

describe("NodeBase.process()", () => {
  it("takes no copy of the config and builds no log line for a logger that prints nothing", async () => {
    const lines: string[] = [];
    const logger = Object.assign(silentLogger(lines), { enabled: false });
    const node = asStep(new Probe(), "probe");
    await node.process(Object.assign(testContext({ probe: { inputs: { n: "js/1" } } }), { logger }));
    expect(node.originalConfig).toEqual({});
    expect(lines.filter((line) => line.includes("Running node"))).toEqual([]);
  });


  it("maps ctx.config[name] in place, keeps the unmapped copy, and stores the wrapper in ctx.response", async () => {
    const ctx = testContext({ probe: { inputs: { n: "js/ctx.request.body.n" } } }, { n: 3 });
    const node = asStep(new Probe(), "probe");
    const wrapper = await node.process(ctx);
    expect(ctx.config.probe).toEqual({ inputs: { n: 3 } });
    expect(node.originalConfig).toEqual({ inputs: { n: "js/ctx.request.body.n" } });
    expect(ctx.response).toBe(wrapper);
  });

  it("throws the wrapper's error", async () => {
    class Failing extends NodeBlok<unknown> {
      override async run() {
        return { success: false, data: null, error: new GlobalError("wrapped") };
      }
      async handle(): Promise<NodeBlokResponse> {
        return new NodeBlokResponse();
      }
    }
    await expect(asStep(new Failing(), "f").process(testContext({ f: {} }))).rejects.toThrow("wrapped");
  });
});

describe("NodeBase helpers", () => {
  it("setVar() replaces ctx.vars with a merged copy and getVar() reads it", () => {
    const node = new Probe();
    const ctx = testContext();
    expect(node.getVar(ctx, "a")).toBeUndefined();
    node.setVar(ctx, { a: 1 });
    const first = ctx.vars;
    node.setVar(ctx, { b: 2 });
    expect(ctx.vars).toEqual({ a: 1, b: 2 });
    expect(ctx.vars).not.toBe(first);
    expect(first).toEqual({ a: 1 });
    expect(node.getVar(ctx, "b")).toBe(2);
  });

  it("setError() defaults code to 500 and names the step", () => {
    const node = asStep(new Probe(), "step-x");
    expect(node.setError("plain").context).toMatchObject({ message: "plain", code: 500, name: "step-x" });
    expect(node.setError({ message: "gone", code: 410 }).context).toMatchObject({ message: "gone", code: 410, name: "step-x" });
    expect(node.setError({ code: "E1" }).context).toMatchObject({ message: '{"code":"E1"}', json: { code: "E1" }, code: 500 });
  });

  it("setError() keeps an existing GlobalError, its code and its name", () => {
    const error = new GlobalError("teapot");
    error.setCode(418);
    error.setName("origin");
    const node = asStep(new Probe(), "other");
    expect(node.setError(error)).toBe(error);
    expect(error.context).toMatchObject({ code: 418, name: "origin" });
  });
});
