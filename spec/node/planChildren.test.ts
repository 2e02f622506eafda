import { from, lastValueFrom } from "rxjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { NodeBase } from "../../src/blok/index.js";
import type { Attempt, Child } from "../../src/core/index.js";
import { defaultHost } from "../../src/node/host.js";
import { ChildResolutionError } from "../../src/node/errors.js";
import { planChildren } from "../../src/node/planChildren.js";
import { type ChildStep } from "../../src/ports/index.js";
import { readContainerConfig } from "../../src/node/readContainerConfig.js";
import { context, Gates } from "./support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

function localBackend(resolved: ChildStep[]) {
  const Probe = Gates.instant((_inputs, ctx) => ({ index: ctx.index, size: Array.isArray(ctx.item) ? ctx.item.length : ctx.item }));
  return {
    kind: "local" as const,
    host: defaultHost,
    resolve: async (step: ChildStep): Promise<NodeBase> => {
      resolved.push(step);
      if (step.node === "missing") throw new Error(`Node ${step.node} not found`);
      const node = new Probe();
      node.name = step.name;
      return node;
    },
  };
}

const attempt = (): Attempt => ({ index: 0, name: "child", number: 1, late: () => undefined, reportTiming: () => undefined });

function runOnce(child: Child<unknown> | undefined): Promise<unknown> {
  return lastValueFrom(from((child as Child<unknown>).run(attempt())));
}

function take<T>(iterable: Iterable<T>, count: number): T[] {
  const out: T[] = [];
  for (const value of iterable) {
    out.push(value);
    if (out.length === count) break;
  }
  return out;
}

describe("planChildren()", () => {
  it("map mode streams: a million items become batches only as they are pulled, and nothing runs until subscribed", async () => {
    const items = Array.from({ length: 1_000_000 }, (_, i) => i);
    const config = readContainerConfig("fan", { map: { items, batch_size: 1000, node: { name: "batch", node: "probe" } } }, {});
    const resolved: ChildStep[] = [];
    const planned = await planChildren("fan", config, context({}), localBackend(resolved));
    expect(planned.total).toBe(1000);
    expect(Array.isArray(planned.children)).toBe(false);
    // One up-front resolution of the template, so an unknown node fails before anything starts.
    expect(resolved).toHaveLength(1);
    const first = take(planned.children, 3);
    expect(first.map((child) => child.name)).toEqual(["batch[0]", "batch[1]", "batch[2]"]);
    expect(resolved).toHaveLength(1);
    const output = await runOnce(first[2]);
    expect(output).toEqual({ index: 2, size: 1000 });
    expect(resolved).toHaveLength(2);
  });

  it("map mode without batch_size: one child per item, the last batch of a batched run may be short", async () => {
    const one = await planChildren("fan", readContainerConfig("fan", { map: { items: ["a", "b", "c"], node: { name: "item", node: "probe" } } }, {}), context({}), localBackend([]));
    expect(one.total).toBe(3);
    const output = await runOnce(take(one.children, 3)[1]);
    expect(output).toEqual({ index: 1, size: "b" });
    const batched = await planChildren("fan", readContainerConfig("fan", { map: { items: [1, 2, 3, 4, 5], batch_size: 2, node: { name: "b", node: "probe" } } }, {}), context({}), localBackend([]));
    expect(batched.total).toBe(3);
    expect(await runOnce(take(batched.children, 3)[2])).toEqual({ index: 2, size: 1 });
  });

  it("an empty items array plans no child", async () => {
    const planned = await planChildren("fan", readContainerConfig("fan", { map: { items: [], node: { name: "b", node: "probe" } } }, {}), context({}), localBackend([]));
    expect(planned.total).toBe(0);
    expect([...planned.children]).toEqual([]);
  });

  it("resolves every listed child once up front and names the one that cannot be resolved", async () => {
    const resolved: ChildStep[] = [];
    const config = readContainerConfig("fan", { execution: { isolation: "worker" }, nodes: [{ name: "a", node: "probe", type: "local" }, { name: "b", node: "missing" }] }, {});
    const error = await planChildren("fan", config, context({}), localBackend(resolved)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChildResolutionError);
    expect((error as ChildResolutionError).message).toBe("Child 'b' of parallel-execution step 'fan' cannot be resolved: Node missing not found");
    // The isolation default of execution applies to local children only as the resolver sees it.
    expect(resolved).toEqual([
      { name: "a", node: "probe", type: "local", isolation: "worker" },
      { name: "b", node: "missing", type: "module", isolation: "worker" },
    ]);
  });

  it("labels each child with the runtime that runs it", async () => {
    const config = readContainerConfig(
      "fan",
      { nodes: [{ name: "m", node: "probe" }, { name: "l", node: "probe", type: "local" }, { name: "w", node: "probe", type: "local", isolation: "worker" }, { name: "p", node: "probe", type: "runtime.python3" }] },
      {},
    );
    const planned = await planChildren("fan", config, context({}), localBackend([]));
    expect([...planned.children].map((child) => child.runtime)).toEqual(["module", "local", "worker", "python3"]);
  });
});
