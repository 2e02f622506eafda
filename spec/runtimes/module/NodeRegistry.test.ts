import { describe, expect, it } from "vitest";
import { HandlerNode, InvalidNodeError } from "../../../src/blok/index.js";
import { NodeNotFoundError, NodeRegistry } from "../../../src/runtimes/module/index.js";
import { Probe } from "../../blok/support.js";

describe("NodeRegistry", () => {
  it("getNode() hands out a fresh clone of the singleton every time", () => {
    const registry = new NodeRegistry();
    const singleton = new Probe();
    singleton.inputSchema = { type: "object" };
    registry.addNode("probe", singleton);

    const first = registry.getNode("probe");
    const second = registry.getNode("probe");
    expect(first).not.toBe(singleton);
    expect(first).not.toBe(second);
    expect(first).toBeInstanceOf(Probe);
    expect((first as Probe).inputSchema).toBe(singleton.inputSchema);

    first.name = "step-a";
    first.set_var = true;
    expect(singleton.name).toBe("");
    expect(singleton.set_var).toBe(false);
    expect(second.name).toBe("");
  });

  it("stores a NodeBase instance as is, so later setters on it reach every clone", () => {
    const registry = new NodeRegistry();
    const singleton = new Probe();
    registry.addNode("probe", singleton);
    singleton.contentType = "text/csv";
    expect(registry.getNode("probe").contentType).toBe("text/csv");
    expect(registry.getNodes()).toEqual({ probe: singleton });
  });

  it("adapts classes and handler objects when they are added", () => {
    class Plain {
      handle() {
        return 1;
      }
    }
    const registry = new NodeRegistry();
    registry.addNode("class", Plain);
    registry.addNode("object", { handle: () => 2 });
    registry.addNode("blok-class", Probe);
    expect(registry.getNode("class")).toBeInstanceOf(HandlerNode);
    // One instance per registration, copied per use so concurrent runs never share `this`.
    const [first, second] = [registry.getNode("class") as HandlerNode, registry.getNode("class") as HandlerNode];
    expect(first.target).not.toBe(second.target);
    expect(Object.getPrototypeOf(first.target)).toBe(Object.getPrototypeOf(second.target));
    expect(registry.getNode("object")).toBeInstanceOf(HandlerNode);
    expect(registry.getNode("blok-class")).toBeInstanceOf(Probe);
  });

  it("rejects something that is not a node", () => {
    expect(() => new NodeRegistry().addNode("bad", 7 as never)).toThrow(InvalidNodeError);
    expect(() => new NodeRegistry().addNode("bad", 7 as never)).toThrow("Node 'bad' is not a node");
  });

  it("getNode() of an unknown key fails with 'Node <node> not found'", () => {
    const registry = new NodeRegistry();
    expect(() => registry.getNode("@acme/missing")).toThrow(new NodeNotFoundError("@acme/missing"));
    expect(() => registry.getNode("@acme/missing")).toThrow("Node @acme/missing not found");
    expect(registry.hasNode("@acme/missing")).toBe(false);
  });

  it("replaces an entry added twice under one key", () => {
    const registry = new NodeRegistry();
    registry.addNode("k", new Probe());
    registry.addNode("k", { handle: () => 1 });
    expect(registry.hasNode("k")).toBe(true);
    expect(registry.getNode("k")).toBeInstanceOf(HandlerNode);
  });
});
