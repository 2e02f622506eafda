import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { HandlerNode, type NodeBase, type Step } from "../../src/blok/index.js";
import { LocalNodeNotFoundError } from "../../src/runtimes/local/index.js";
import { NodeNotFoundError, NodeRegistry } from "../../src/runtimes/module/index.js";
import { createRegistry, IfElse, resolveStep, UnknownNodeTypeError } from "../../src/runner/index.js";
import { Probe } from "../blok/support.js";

const NODES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/blok/nodes");
const initialNodesPath = process.env.NODES_PATH;

afterEach(() => {
  if (initialNodesPath === undefined) delete process.env.NODES_PATH;
  else process.env.NODES_PATH = initialNodesPath;
});

function fields(node: NodeBase) {
  return { node: node.node, name: node.name, active: node.active, stop: node.stop, set_var: node.set_var };
}

describe("resolveStep()", () => {
  it("clones a module node and copies the step fields with their defaults", async () => {
    const registry = createRegistry();
    const node = await resolveStep({ name: "check", node: "@blok-ts/if-else", type: "module" }, { registry });
    expect(node).toBeInstanceOf(IfElse);
    expect(fields(node)).toEqual({ node: "@blok-ts/if-else", name: "check", active: true, stop: false, set_var: false });
    expect(registry.getNodes()["@blok-ts/if-else"]?.name).toBe("");
  });

  it("copies explicit active, stop and set_var", async () => {
    const registry = new NodeRegistry();
    registry.addNode("probe", new Probe());
    const node = await resolveStep({ name: "p", node: "probe", type: "module", active: false, stop: true, set_var: true }, { registry });
    expect(fields(node)).toEqual({ node: "probe", name: "p", active: false, stop: true, set_var: true });
  });

  it("fails for a module node the registry lacks", async () => {
    await expect(resolveStep({ name: "x", node: "@acme/none", type: "module" }, { registry: new NodeRegistry() })).rejects.toThrow(
      new NodeNotFoundError("@acme/none"),
    );
  });

  it("loads a local node from nodesDir, else from NODES_PATH", async () => {
    const step: Step = { name: "double", node: "handler-object", type: "local" };
    const fromOption = await resolveStep(step, { registry: new NodeRegistry(), nodesDir: NODES });
    expect(fromOption).toBeInstanceOf(HandlerNode);
    expect(fromOption.name).toBe("double");

    process.env.NODES_PATH = NODES;
    expect(await resolveStep(step, { registry: new NodeRegistry() })).toBeInstanceOf(HandlerNode);
  });

  it("says how to configure a nodes directory when there is none", async () => {
    delete process.env.NODES_PATH;
    await expect(resolveStep({ name: "l", node: "sum", type: "local" }, { registry: new NodeRegistry() })).rejects.toThrow(
      new LocalNodeNotFoundError("sum", undefined),
    );
    await expect(resolveStep({ name: "l", node: "sum", type: "local" }, { registry: new NodeRegistry() })).rejects.toThrow(
      "Local node 'sum' needs a nodes directory: pass nodesDir (CLI: --nodes) or set NODES_PATH",
    );
  });

  it("rejects an unknown type, listing the known ones", async () => {
    const failure = await resolveStep({ name: "py", node: "x", type: "python" }, { registry: new NodeRegistry() }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UnknownNodeTypeError);
    expect((failure as Error).message).toBe("Node type python not found (known types: module, local)");
  });

  it("uses an injected resolver for its type, and lists it among the known types", async () => {
    const seen: Step[] = [];
    const resolvers = {
      "runtime.python3": async (step: Step) => {
        seen.push(step);
        return new Probe();
      },
    };
    const step: Step = { name: "py", node: "sentiment", type: "runtime.python3", set_var: true };
    const node = await resolveStep(step, { registry: new NodeRegistry(), resolvers });
    expect(seen).toEqual([step]);
    expect(fields(node)).toEqual({ node: "sentiment", name: "py", active: true, stop: false, set_var: true });
    await expect(resolveStep({ name: "q", node: "x", type: "queue" }, { registry: new NodeRegistry(), resolvers })).rejects.toThrow(
      "Node type queue not found (known types: module, local, runtime.python3)",
    );
  });

  it("lets an injected resolver replace a built-in type, but not through inherited keys", async () => {
    const replacement = new Probe();
    const node = await resolveStep(
      { name: "m", node: "anything", type: "module" },
      { registry: new NodeRegistry(), resolvers: { module: async () => replacement } },
    );
    expect(node).toBe(replacement);
    await expect(resolveStep({ name: "c", node: "x", type: "constructor" }, { registry: new NodeRegistry(), resolvers: {} })).rejects.toThrow(
      UnknownNodeTypeError,
    );
  });
});
