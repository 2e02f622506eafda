import { describe, expect, it } from "vitest";
import { NodeBase, type ResponseContext } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import type { ChildStep } from "../../src/ports/index.js";

/** A node that says which resolver made it (never run here). */
class Marked extends NodeBase {
  constructor(readonly mark: string) {
    super();
  }
  async run(): Promise<ResponseContext> {
    throw new Error("resolution only");
  }
}

const child = (isolation: ChildStep["isolation"]): ChildStep => ({ name: "c", node: "marked", type: "local", isolation });

describe("createEnvironment: resolveChild, the container's child resolution", () => {
  it("runs a `local` child with worker isolation through the worker plugin, and an inline one like a step", async () => {
    const env = createEnvironment({
      nodesDir: "/nonexistent",
      plugins: [{ resolvers: { local: async () => new Marked("inline") }, resolveWorker: async () => new Marked("worker"), close: async () => undefined }],
    });
    expect(((await env.resolveChild(child("worker"))) as Marked).mark).toBe("worker");
    expect(((await env.resolveChild(child("inline"))) as Marked).mark).toBe("inline");
    expect((await env.resolveChild(child("worker"))).name).toBe("c");
    await env.close();
  });

  it("names the child when it asks for worker isolation and no plugin provides it", async () => {
    const env = createEnvironment();
    await expect(env.resolveChild(child("worker"))).rejects.toThrow("Child 'c' asks for worker isolation, but no worker runtime is configured");
    await env.close();
  });
});
