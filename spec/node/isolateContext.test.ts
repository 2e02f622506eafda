import { beforeAll, describe, expect, it } from "vitest";
import { type Context, createContext, NodeBlokResponse, Runner } from "../../src/blok/index.js";
import { CowSpace } from "../../src/node/isolation/copyOnWrite.js";
import { isolateContext } from "../../src/node/isolation/isolateContext.js";
import { Probe, asStep, silentLogger } from "../blok/support.js";

// biome-ignore lint/suspicious/noExplicitAny: tests write at arbitrary depths
type Any = any;

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

function parentContext(): Context {
  const ctx = createContext({
    config: { child: { inputs: { n: "js/ctx.vars.seed.n" } }, other: { inputs: {} } },
    body: { user: { name: "ada" }, tags: ["a"] },
    headers: { "x-id": "1" },
    env: { HOME: "/home/test" },
    logger: silentLogger(),
    workflowName: "wf",
  });
  ctx.vars = { seed: { n: 1, list: [1, 2] } };
  ctx.response = { data: { previous: { deep: true } }, error: null, success: true, contentType: "" };
  ctx.func = { helper: () => 1 };
  return ctx;
}

const options = (signal = new AbortController().signal) => ({ stepName: "child", signal });

describe("isolateContext()", () => {
  it("keeps a node config named __proto__ as a plain entry of the child's config (it became the prototype)", () => {
    const parent = parentContext();
    parent.config = JSON.parse('{"__proto__": {"inputs": {"n": 1}}, "other": {"inputs": {}}}');
    const child = isolateContext(parent, new CowSpace(), { stepName: "__proto__", signal: new AbortController().signal }) as Any;
    expect(Object.hasOwn(child.config, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(child.config)).toBe(Object.prototype);
    expect(child.config.__proto__.inputs.n).toBe(1);
    expect({ ...child.config }.__proto__.inputs.n).toBe(1);
  });

  it("gives the child views of request, response, vars, config and func: its writes stay its own", () => {
    const parent = parentContext();
    const before = JSON.stringify({ request: parent.request, response: parent.response, vars: parent.vars, config: parent.config });
    const child = isolateContext(parent, new CowSpace(), options()) as Any;
    const sibling = isolateContext(parent, new CowSpace(), { stepName: "other", signal: new AbortController().signal }) as Any;
    child.request.body.user.name = "eve";
    child.request.body.tags.push("b");
    child.request.headers["x-id"] = "2";
    child.response.data.previous.deep = false;
    child.response = { data: "replaced", error: null };
    child.vars.seed.list.push(3);
    child.vars.added = true;
    child.config.child.inputs.n = 99;
    child.config.other = { hijacked: true };
    child.func.extra = 1;
    expect(JSON.stringify({ request: parent.request, response: parent.response, vars: parent.vars, config: parent.config })).toBe(before);
    expect(parent.func).not.toHaveProperty("extra");
    expect(sibling.request.body.user.name).toBe("ada");
    expect(sibling.vars.seed.list).toEqual([1, 2]);
    expect(sibling.config.other).toEqual({ inputs: {} });
    expect(child.request.body.user.name).toBe("eve");
    expect(child.vars.seed.list).toEqual([1, 2, 3]);
  });

  it("shares env read-only (same object, same non-writable descriptor), and shares the logger and eventLogger", () => {
    const parent = parentContext();
    const child = isolateContext(parent, new CowSpace(), options());
    expect(child.env).toBe(parent.env);
    expect(Object.getOwnPropertyDescriptor(child, "env")).toEqual(Object.getOwnPropertyDescriptor(parent, "env"));
    expect(() => {
      (child as Any).env = {};
    }).toThrow(TypeError);
    expect(child.logger).toBe(parent.logger);
    expect(child.eventLogger).toBe(parent.eventLogger);
    expect(child.id).toBe(parent.id);
    expect(child.workflow_name).toBe("wf");
  });

  it("turns a live request (a class instance) into a plain, isolated object with the fields nodes read", () => {
    class IncomingRequest {
      body = { order: { id: 7 } };
      headers = { host: "example" };
      query = { q: "1" };
      params = { id: "7" };
      method = "POST";
      url = "/orders/7";
      socket = { live: true };
      get ip() {
        return "127.0.0.1";
      }
    }
    const parent = parentContext();
    const live = new IncomingRequest();
    parent.request = live as Any;
    const space = new CowSpace();
    const child = isolateContext(parent, space, options()) as Any;
    expect(child.request).not.toBeInstanceOf(IncomingRequest);
    expect(Object.getPrototypeOf(child.request)).toBe(Object.prototype);
    expect(child.request).toMatchObject({ body: { order: { id: 7 } }, headers: { host: "example" }, query: { q: "1" }, params: { id: "7" }, method: "POST", url: "/orders/7" });
    expect(child.request).not.toHaveProperty("socket");
    child.request.body.order.id = 8;
    child.request.method = "GET";
    expect(live.body.order.id).toBe(7);
    expect(live.method).toBe("POST");
    expect(structuredClone(space.materialize(child.request))).toMatchObject({ body: { order: { id: 8 } }, method: "GET" });
  });

  it("isolates a response that is a step's NodeBlokResponse (a class instance), not only a plain one", () => {
    const parent = parentContext();
    const previous = new NodeBlokResponse();
    previous.setSuccess({ rows: [{ id: 1 }] });
    parent.response = previous;
    const child = isolateContext(parent, new CowSpace(), options()) as Any;
    const sibling = isolateContext(parent, new CowSpace(), options()) as Any;
    expect(child.response).toMatchObject({ data: { rows: [{ id: 1 }] }, success: true, error: null });
    child.response.data.rows[0].id = 2;
    child.response.data.added = true;
    child.response.contentType = "text/html";
    child.response.extra = "mine";
    expect(previous.data).toEqual({ rows: [{ id: 1 }] });
    expect(previous.contentType).toBe("application/json");
    expect(previous).not.toHaveProperty("extra");
    expect(sibling.response.data).toEqual({ rows: [{ id: 1 }] });
  });

  it("creates the child's config entry when the workflow has none, without touching the parent's map", () => {
    const parent = parentContext();
    const child = isolateContext(parent, new CowSpace(), { stepName: "undeclared", signal: new AbortController().signal });
    expect(child.config.undeclared).toEqual({});
    expect(parent.config).not.toHaveProperty("undeclared");
    const bare = parentContext();
    delete (bare as Any).config;
    expect(isolateContext(bare, new CowSpace(), options()).config).toEqual({ child: {} });
    expect(bare).not.toHaveProperty("config");
  });

  it("keeps an existing config entry (as a view)", () => {
    const parent = parentContext();
    const child = isolateContext(parent, new CowSpace(), options());
    expect(child.config.child).toEqual({ inputs: { n: "js/ctx.vars.seed.n" } });
  });

  it("sets the child's own signal, and item and index in map mode, never the parent's", () => {
    const parent = parentContext();
    const parentSignal = new AbortController().signal;
    parent.signal = parentSignal;
    (parent as Any).item = "parent item";
    (parent as Any).index = 99;
    const mine = new AbortController().signal;
    const plain = isolateContext(parent, new CowSpace(), { stepName: "child", signal: mine });
    expect(plain.signal).toBe(mine);
    expect(plain).not.toHaveProperty("item");
    expect(plain).not.toHaveProperty("index");
    const items = [{ id: 1 }, { id: 2 }];
    const mapped = isolateContext(parent, new CowSpace(), { stepName: "child", signal: mine, item: items, index: 3 }) as Any;
    expect(mapped.item).toEqual(items);
    expect(mapped.index).toBe(3);
    // The planner hands each attempt its own copy of the batch, so the item is passed as is.
    expect(mapped.item).toBe(items);
    expect(isolateContext(parent, new CowSpace(), { stepName: "child", signal: mine, item: undefined, index: 0 })).toHaveProperty("item", undefined);
  });

  it("is what a child step runs on: mapping and set_var act on the child's copy only", async () => {
    const parent = parentContext();
    const calls: { inputs: unknown }[] = [];
    const node = asStep(new Probe((inputs) => inputs, calls as Any), "child", { set_var: true });
    const child = isolateContext(parent, new CowSpace(), options());
    await new Runner([node]).run(child);
    expect(calls[0]?.inputs).toEqual({ n: 1 });
    expect(child.vars?.child).toEqual({ n: 1 });
    expect(parent.vars).toEqual({ seed: { n: 1, list: [1, 2] } });
    // Pass-1 mapping rewrote the child's config entry in place: on its copy only.
    expect(parent.config.child).toEqual({ inputs: { n: "js/ctx.vars.seed.n" } });
  });
});
