import { describe, expect, it } from "vitest";
import { HandlerNode } from "../../src/blok/index.js";
import { createRegistry, IfElse } from "../../src/runner/index.js";
import { Probe } from "../blok/support.js";

describe("createRegistry()", () => {
  it("registers if-else as @blok-ts/if-else", () => {
    expect(createRegistry().getNode("@blok-ts/if-else")).toBeInstanceOf(IfElse);
  });

  it("adds extra entries, which may replace a built-in", () => {
    const registry = createRegistry({ "@acme/echo": { handle: (_ctx, inputs: unknown) => inputs }, "@blok-ts/if-else": new Probe() });
    expect(registry.getNode("@acme/echo")).toBeInstanceOf(HandlerNode);
    expect(registry.getNode("@blok-ts/if-else")).toBeInstanceOf(Probe);
  });

  it("returns independent registries that accept later additions", () => {
    const first = createRegistry();
    const second = createRegistry();
    first.addNode("parallel-execution", new Probe());
    expect(first.getNode("parallel-execution")).toBeInstanceOf(Probe);
    expect(second.hasNode("parallel-execution")).toBe(false);
  });
});
