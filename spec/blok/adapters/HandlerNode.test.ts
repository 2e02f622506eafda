import { beforeAll, describe, expect, it } from "vitest";
import {
  type Context,
  GlobalError,
  HandlerNode,
  InvalidNodeError,
  NodeBlokResponse,
  runSteps,
  toNodeBase,
  toNodeBlokResponse,
} from "../../../src/blok/index.js";
import { asStep, Probe, testContext } from "../support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

const reporter = asStep(new Probe(), "reporter");

describe("toNodeBlokResponse()", () => {
  it("returns a NodeBlokResponse unchanged", () => {
    const response = new NodeBlokResponse();
    expect(toNodeBlokResponse(response, reporter)).toBe(response);
  });

  it("reads a successful envelope's data", () => {
    const response = toNodeBlokResponse({ success: true, data: { n: 1 }, error: null }, reporter);
    expect(response).toMatchObject({ success: true, data: { n: 1 }, error: null });
  });

  it("turns an envelope's string error into a failure with code 500 named after the step", () => {
    const response = toNodeBlokResponse({ success: false, error: "went wrong" }, reporter);
    expect(response.success).toBe(false);
    expect(response.data).toEqual({});
    expect(response.error).toBeInstanceOf(GlobalError);
    expect(response.error?.context).toMatchObject({ message: "went wrong", code: 500, name: "reporter" });
  });

  it("keeps message, code and json of an envelope's structured error, even if success says true", () => {
    const response = toNodeBlokResponse({ success: true, data: 1, error: { message: "gone", code: 410, json: { id: 3 } } }, reporter);
    expect(response.error?.context).toMatchObject({ message: "gone", code: 410, json: { id: 3 } });
  });

  it("keeps code and json of a host app's NodeBlokResponse carrying its own GlobalError", () => {
    const hostError = Object.assign(new Error("host"), { context: { message: "host", code: 503, json: { retry: true } } });
    const hostResponse = { steps: [], data: {}, error: hostError, success: false, contentType: "application/json" };
    expect(toNodeBlokResponse(hostResponse, reporter).error?.context).toMatchObject({ message: "host", code: 503, json: { retry: true } });
  });

  it("reads success: false without an error as data, as Blok's released runner does (only a truthy error fails)", () => {
    for (const error of [undefined, null, ""]) {
      const response = toNodeBlokResponse({ success: false, data: { partial: 1 }, error }, reporter);
      expect(response).toMatchObject({ success: true, error: null, data: { partial: 1 } });
    }
  });

  it("treats anything else as the data itself", () => {
    for (const data of [{ n: 1 }, [1, 2], "text", 0, undefined, null, { success: true }]) {
      const response = toNodeBlokResponse(data, reporter);
      expect(response).toMatchObject({ success: true, error: null });
      expect(response.data).toEqual(data);
    }
  });
});

describe("HandlerNode", () => {
  it("runs an object's handle with mapped inputs and the object as this", async () => {
    const target = {
      factor: 3,
      handle(this: { factor: number }, _ctx: Context, inputs: { n: number }) {
        return { product: inputs.n * this.factor };
      },
    };
    const ctx = testContext({ mul: { inputs: { n: "js/ctx.request.body.n" } } }, { n: 5 });
    await runSteps(ctx, [asStep(new HandlerNode(target), "mul")]);
    expect(ctx.response.data).toEqual({ product: 15 });
  });

  it("adopts the target's contentType and inputSchema", async () => {
    const target = {
      contentType: "text/plain",
      inputSchema: { type: "object", properties: { n: { type: "number" } } },
      handle: () => "ok",
    };
    const node = asStep(new HandlerNode(target), "typed");
    expect(node.contentType).toBe("text/plain");
    await expect(runSteps(testContext({ typed: { inputs: { n: "x" } } }), [node])).rejects.toThrow("instance.n is not of a type(s) number");
  });

  it("fails the workflow with the envelope's error, code kept", async () => {
    const node = asStep(new HandlerNode({ handle: () => ({ success: false, error: { message: "nope", code: 403 } }) }), "deny");
    const failure = (await runSteps(testContext({ deny: {} }), [node]).catch((caught: unknown) => caught)) as GlobalError;
    expect(failure.context).toMatchObject({ message: "nope", code: 403, name: "deny" });
  });

  it("lets a thrown error stay an error", async () => {
    const node = asStep(
      new HandlerNode({
        handle: () => {
          throw new Error("handler exploded");
        },
      }),
      "explode",
    );
    await expect(runSteps(testContext({ explode: {} }), [node])).rejects.toThrow("handler exploded");
  });

  it("stores plain data under set_var and swallows an envelope error there, as Blok does", async () => {
    const ctx = testContext({ ok: {}, soft: {} });
    await runSteps(ctx, [
      asStep(new HandlerNode({ handle: () => [1, 2] }), "ok", { set_var: true }),
      asStep(new HandlerNode({ handle: () => ({ success: false, error: "ignored" }) }), "soft", { set_var: true }),
    ]);
    expect(ctx.vars).toEqual({ ok: [1, 2], soft: {} });
  });
});

describe("toNodeBase()", () => {
  it("clones a NodeBase instance so the export is never mutated", () => {
    const original = new Probe();
    const node = toNodeBase(original, "Node 'p'");
    expect(node).not.toBe(original);
    expect(node).toBeInstanceOf(Probe);
    node.name = "changed";
    expect(original.name).toBe("");
  });

  it("instantiates a NodeBlok subclass", () => {
    class Sub extends Probe {}
    expect(toNodeBase(Sub, "Node 'sub'")).toBeInstanceOf(Sub);
  });

  it("wraps an instance of a plain class with handle", () => {
    class Plain {
      handle() {
        return 1;
      }
    }
    const node = toNodeBase(Plain, "Node 'plain'");
    expect(node).toBeInstanceOf(HandlerNode);
    expect((node as HandlerNode).target).toBeInstanceOf(Plain);
  });

  it("wraps an object with handle", () => {
    const target = { handle: () => 1 };
    const node = toNodeBase(target, "Node 'obj'");
    expect(node).toBeInstanceOf(HandlerNode);
    expect((node as HandlerNode).target).toBe(target);
  });

  it("rejects other values with InvalidNodeError naming the node", () => {
    class NoHandle {}
    const cases: Array<[unknown, string]> = [
      [42, "got number 42"],
      [{}, "got an empty object"],
      [{ run: 1 }, "got an object with keys run"],
      [() => 1, "got function (anonymous) without handle"],
      [NoHandle, "got function NoHandle without handle"],
      [undefined, "got undefined"],
    ];
    for (const [value, detail] of cases) {
      expect(() => toNodeBase(value, "Node 'bad'")).toThrow(InvalidNodeError);
      expect(() => toNodeBase(value, "Node 'bad'")).toThrow(`Node 'bad' is not a node`);
      expect(() => toNodeBase(value, "Node 'bad'")).toThrow(detail);
    }
  });
});
