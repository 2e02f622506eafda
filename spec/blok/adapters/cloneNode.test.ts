import { describe, expect, it } from "vitest";
import { cloneNode, createContext, HandlerNode, Runner } from "../../../src/blok/index.js";
import { NodeRegistry } from "../../../src/runtimes/module/index.js";

describe("cloneNode()", () => {
  it("gives a handler-style node its own copy of the handler, so state on `this` is per run", async () => {
    class Counter {
      seen: string[] = [];
      async handle(_ctx: unknown, inputs: { id: string }) {
        this.seen = [...this.seen, inputs.id];
        await new Promise((resolve) => setTimeout(resolve, 5));
        return this.seen;
      }
    }
    const registry = new NodeRegistry();
    registry.addNode("counter", new Counter());
    const run = async (id: string) => {
      const node = registry.getNode("counter");
      node.name = "step";
      const ctx = createContext({ config: { step: { inputs: { id } } } });
      await new Runner([node]).run(ctx);
      return ctx.response.data;
    };
    expect(await Promise.all([run("a"), run("b")])).toEqual([["a"], ["b"]]);
  });

  it("keeps the prototype and copies own fields of the node and of its handler", () => {
    const handler = { label: "x", handle: () => 1 };
    const original = new HandlerNode(handler);
    const copy = cloneNode(original);
    expect(copy).toBeInstanceOf(HandlerNode);
    expect(copy.target).not.toBe(handler);
    expect((copy.target as { label?: string }).label).toBe("x");
    copy.name = "other";
    expect(original.name).not.toBe("other");
  });
});
