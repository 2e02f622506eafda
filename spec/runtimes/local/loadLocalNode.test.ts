import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createContext, HandlerNode, InvalidNodeError, NodeBlok, runSteps } from "../../../src/blok/index.js";
import { findLocalNodeFile, LocalNodeLoadError, LocalNodeNotFoundError, loadLocalNode } from "../../../src/runtimes/local/index.js";
import { silentLogger } from "../../blok/support.js";

const NODES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/blok/nodes");

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

async function runLocal(node: string, inputs: unknown = {}, request: { method?: string } = {}): Promise<unknown> {
  const instance = await loadLocalNode(node, NODES);
  instance.name = "step";
  const ctx = createContext({ config: { step: { inputs } }, logger: silentLogger(), ...request });
  await runSteps(ctx, [instance]);
  return ctx.response.data;
}

describe("findLocalNodeFile()", () => {
  it("finds <node>/index.*, <node>.* and package.json main, in that precedence", async () => {
    expect(await findLocalNodeFile("blok-class", NODES)).toBe(path.join(NODES, "blok-class/index.ts"));
    expect(await findLocalNodeFile("handler-class", NODES)).toBe(path.join(NODES, "handler-class/index.js"));
    expect(await findLocalNodeFile("handler-object", NODES)).toBe(path.join(NODES, "handler-object.mjs"));
    expect(await findLocalNodeFile("ts-handler", NODES)).toBe(path.join(NODES, "ts-handler.ts"));
    expect(await findLocalNodeFile("with-main", NODES)).toBe(path.join(NODES, "with-main/lib/entry.js"));
    expect(await findLocalNodeFile("group/inner", NODES)).toBe(path.join(NODES, "group/inner.mjs"));
  });

  it("resolves a relative nodes directory against the working directory", async () => {
    const relative = path.relative(process.cwd(), NODES);
    expect(await findLocalNodeFile("handler-object", relative)).toBe(path.join(NODES, "handler-object.mjs"));
  });

  it("names the node, the directory and every candidate when nothing matches", async () => {
    const failure = (await findLocalNodeFile("nope", NODES).catch((error: unknown) => error)) as LocalNodeNotFoundError;
    expect(failure).toBeInstanceOf(LocalNodeNotFoundError);
    expect(failure.name).toBe("LocalNodeNotFoundError");
    expect(failure.message).toBe(
      `Local node 'nope' not found in ${NODES} (tried: nope/index.js, nope/index.mjs, nope/index.ts, nope.js, nope.mjs, nope.ts)`,
    );
    expect(failure.tried).toHaveLength(6);
  });

  it("reports a malformed package.json instead of ignoring it", async () => {
    const failure = (await findLocalNodeFile("bad-manifest", NODES).catch((error: unknown) => error)) as LocalNodeLoadError;
    expect(failure).toBeInstanceOf(LocalNodeLoadError);
    expect(failure.file).toBe(path.join(NODES, "bad-manifest/package.json"));
    expect(failure.message).toMatch(/^Local node 'bad-manifest' failed to load from .*bad-manifest\/package\.json: /);
  });
});

describe("loadLocalNode()", () => {
  it("runs a NodeBlok subclass written in TypeScript, schema and all", async () => {
    const node = await loadLocalNode("blok-class", NODES);
    expect(node).toBeInstanceOf(NodeBlok);
    expect(node).not.toBeInstanceOf(HandlerNode);
    expect(node.contentType).toBe("application/json");
    expect(await runLocal("blok-class", { n: 4 })).toEqual({ tripled: 12 });
    await expect(runLocal("blok-class", { n: "4" })).rejects.toThrow("instance.n is not of a type(s) number");
  });

  it("runs a class with handle() whose result is an envelope", async () => {
    expect(await runLocal("handler-class", { who: "ada" })).toBe("hello ada");
  });

  it("runs a default-exported object with handle() returning plain data", async () => {
    expect(await runLocal("handler-object", { n: 21 })).toEqual({ doubled: 42 });
  });

  it("uses the module itself when it exports handle() and no default", async () => {
    expect(await runLocal("namespace-handle", {}, { method: "PATCH" })).toEqual({ method: "PATCH" });
  });

  it("loads package.json main, CommonJS exports.default included", async () => {
    expect(await runLocal("with-main")).toEqual({ source: "package.json main" });
  });

  it("loads a TypeScript handler class", async () => {
    expect(await runLocal("ts-handler", { words: ["a", "b"] })).toEqual({ joined: "a-b" });
  });

  it("loads a node in a sub-folder of the nodes directory", async () => {
    expect(await runLocal("group/inner")).toBe("inner");
  });

  it("returns a fresh instance per resolution but evaluates the module once", async () => {
    const first = await loadLocalNode("handler-class", NODES);
    const second = await loadLocalNode("handler-class", NODES);
    expect(first).not.toBe(second);
    expect((first as HandlerNode).target).not.toBe((second as HandlerNode).target);
    expect((globalThis as { __handlerClassEvaluations?: number }).__handlerClassEvaluations).toBe(1);

    const a = await loadLocalNode("blok-instance", NODES);
    const b = await loadLocalNode("blok-instance", NODES);
    a.name = "renamed";
    expect(b.name).toBe("");
  });

  it("wraps an import-time error, naming node and file and keeping the cause", async () => {
    const failure = (await loadLocalNode("broken", NODES).catch((error: unknown) => error)) as LocalNodeLoadError;
    expect(failure).toBeInstanceOf(LocalNodeLoadError);
    expect(failure.message).toBe(`Local node 'broken' failed to load from ${path.join(NODES, "broken/index.mjs")}: boom at import`);
    expect((failure.cause as Error).message).toBe("boom at import");
  });

  it("wraps a constructor error the same way", async () => {
    await expect(loadLocalNode("ctor-throws", NODES)).rejects.toThrow(
      new LocalNodeLoadError("ctor-throws", path.join(NODES, "ctor-throws.mjs"), new Error("constructor refused")),
    );
  });

  it("rejects a module that exports no node", async () => {
    const failure = (await loadLocalNode("not-a-node", NODES).catch((error: unknown) => error)) as InvalidNodeError;
    expect(failure).toBeInstanceOf(InvalidNodeError);
    expect(failure.message).toContain(`Local node 'not-a-node' (${path.join(NODES, "not-a-node.mjs")}) is not a node`);
    expect(failure.message).toContain("got number 42");
  });
});
