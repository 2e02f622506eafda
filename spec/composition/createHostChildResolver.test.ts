import path from "node:path";
import { NanoService, NodeMap } from "@nanoservice-ts/runner";
import type { NodeBase } from "@nanoservice-ts/shared";
import { describe, expect, it } from "vitest";
import { createHostChildResolver, ForeignNodeError } from "../../src/composition/index.js";
import type { ChildStep } from "../../src/ports/index.js";
import { Echo } from "../stock-blok/nodes.js";

const FIXTURES = path.join(import.meta.dirname, "../stock-blok/fixtures");
const host = { NodeBlok: NanoService };
const child = (name: string, node: string, type = "module", isolation: ChildStep["isolation"] = "inline"): ChildStep => ({ name, node, type, isolation });

describe("createHostChildResolver() for a Blok app on the released classes", () => {
  it("hands out a per-use copy of a registered node with the step fields set, never the shared instance", async () => {
    const echo = new Echo();
    const nodes: { [key: string]: NodeBase } = { echo };
    const resolve = createHostChildResolver(nodes, host);
    const [a, b] = await Promise.all([resolve(child("a", "echo")), resolve(child("b", "echo"))]);
    expect(a).toBeInstanceOf(Echo);
    expect(a).not.toBe(echo);
    expect([a.name, b.name]).toEqual(["a", "b"]);
    expect(a).toMatchObject({ node: "echo", active: true, stop: false });
    expect(echo.name).toBe("");
  });

  it("reads a NodeMap as well as a Nodes.ts object, and names a missing node as Blok does", async () => {
    const map = new NodeMap();
    map.addNode("echo", new Echo());
    const resolve = createHostChildResolver(map, host);
    await expect(resolve(child("a", "echo"))).resolves.toBeInstanceOf(Echo);
    await expect(resolve(child("a", "nope"))).rejects.toThrow("Node nope not found");
    await expect(createHostChildResolver({}, host)(child("a", "toString"))).rejects.toThrow("Node toString not found");
  });

  it("instantiates a local node's default-exported class from nodesDir, or NODES_PATH", async () => {
    const node = await createHostChildResolver({}, host, { nodesDir: FIXTURES })(child("g", "greet", "local"));
    expect(node).toBeInstanceOf(NanoService);
    expect(node).toMatchObject({ name: "g", node: "greet" });
    const saved = process.env.NODES_PATH;
    process.env.NODES_PATH = FIXTURES;
    try {
      await expect(createHostChildResolver({}, host)(child("g", "greet", "local"))).resolves.toBeInstanceOf(NanoService);
    } finally {
      if (saved === undefined) delete process.env.NODES_PATH;
      else process.env.NODES_PATH = saved;
    }
  });

  it("refuses what the app's Runner cannot run: a foreign class, another type, worker isolation", async () => {
    const resolve = createHostChildResolver({ odd: { handle: () => 1 } }, host, { nodesDir: FIXTURES });
    const foreign = await resolve(child("p", "plain", "local")).catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(ForeignNodeError);
    expect((foreign as Error).message).toBe("Node plain (child 'p') is not a NanoService of this app: the app's Runner cannot run it");
    await expect(resolve(child("o", "odd"))).rejects.toThrow(ForeignNodeError);
    await expect(resolve(child("py", "sum", "runtime.python3"))).rejects.toThrow("Node type runtime.python3 not found (known types: module, local)");
    await expect(resolve(child("w", "greet", "local", "worker"))).rejects.toThrow("Child 'w' asks for worker isolation");
  });
});
