import { describe, expect, it } from "vitest";
import { childRuntime } from "../../src/telemetry/index.js";

describe("childRuntime", () => {
  const nodes = [
    { name: "m", node: "x", type: "module" },
    { name: "l", node: "x", type: "local" },
    { name: "w", node: "x", type: "local", isolation: "worker" },
    { name: "p", node: "x", type: "runtime.python3" },
  ];

  it.each([
    ["m", "module"],
    ["l", "local"],
    ["w", "worker"],
    ["p", "python3"],
    ["unknown", undefined],
  ])("reads child %s of an explicit list as %s", (child, runtime) => {
    expect(childRuntime({ inputs: { nodes } }, child)).toBe(runtime);
  });

  it("takes the container's isolation, a map's node, the queue backend, and config at the top level", () => {
    expect(childRuntime({ inputs: { execution: { isolation: "worker" }, nodes } }, "l")).toBe("worker");
    expect(childRuntime({ map: { items: [], node: { name: "each", node: "x", type: "local" } } }, "each")).toBe("local");
    expect(childRuntime({ inputs: { execution: { backend: "queue" }, nodes } }, "p")).toBe("queue");
  });

  it("says nothing for a config it cannot read plainly", () => {
    expect(childRuntime(undefined, "m")).toBeUndefined();
    expect(childRuntime({ inputs: { nodes: "js/ctx.vars.children" } }, "m")).toBeUndefined();
    expect(childRuntime({ inputs: { nodes: [{ name: "t", type: "js/ctx.vars.type" }] } }, "t")).toBe("js/ctx.vars.type");
  });
});
