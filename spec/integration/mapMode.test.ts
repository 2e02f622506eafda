import { beforeAll, describe, expect, it } from "vitest";
import { failureOf, runWorkflowFile, workflow } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: workflow outputs are checked field by field
type Any = any;

const LIVE = Symbol.for("blok-parallel.test.live-contexts");

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("map / batch mode through real workflow files", () => {
  it("splits items into batches of batch_size with a short last batch, results in item order, ctx.item and ctx.index seen", async () => {
    const { response } = await runWorkflowFile(workflow("map-batch"), { items: [1, 2, 3, 4, 5, 6, 7], batch_size: 3 });
    const { results, total } = (response.data as Any).inputs;
    expect(total).toBe(3);
    // Later batches finish first (delay_ms falls with the index): the order is still the items'.
    expect(results).toEqual([
      { inputs: { values: [1, 2, 3], position: 0, delay_ms: 80 }, item: [1, 2, 3], index: 0 },
      { inputs: { values: [4, 5, 6], position: 1, delay_ms: 72 }, item: [4, 5, 6], index: 1 },
      { inputs: { values: [7], position: 2, delay_ms: 64 }, item: [7], index: 2 },
    ]);
  });

  it("without batch_size, every item is its own child (config at the top of the node config)", async () => {
    const items = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const { response } = await runWorkflowFile(workflow("map-items"), { items });
    const output = response.data as Any;
    expect(output.results.map((result: Any) => [result.item, result.index, result.inputs.values])).toEqual([
      [{ id: "a" }, 0, { id: "a" }],
      [{ id: "b" }, 1, { id: "b" }],
      [{ id: "c" }, 2, { id: "c" }],
    ]);
    expect(output.execution_info.children.map((child: Any) => child.name)).toEqual(["item[0]", "item[1]", "item[2]"]);
  });

  it("a child's writes to its item stay its own (the items belong to the parent)", async () => {
    const items = [{ id: "a" }, { id: "b" }];
    await runWorkflowFile(workflow("map-items"), { items });
    expect(items).toEqual([{ id: "a" }, { id: "b" }]);
  });

  it("an empty items array succeeds with no results", async () => {
    const { response } = await runWorkflowFile(workflow("map-items"), { items: [] });
    expect(response.data).toMatchObject({ results: [], execution_info: { total: 0, completed: 0 } });
  });

  it("streams: over 2,000 items with max_concurrent 2, never more than 2 child contexts exist at once", async () => {
    const state = { live: new Set(), peak: 0, seen: 0 };
    (globalThis as Record<symbol, unknown>)[LIVE] = state;
    const { response } = await runWorkflowFile(workflow("map-stream"), { count: 2000 });
    const output = response.data as Any;
    expect(state.seen).toBe(2000);
    expect(state.peak).toBe(2);
    expect(state.live.size).toBe(0);
    expect(output.execution_info).toMatchObject({ total: 2000, completed: 2000, concurrent_peak: 2 });
    expect(output.results[1999]).toEqual({ index: 1999, item: 1999, value: 3998 });
    expect(output.results.every((result: Any, i: number) => result.index === i)).toBe(true);
  });

  it("items given as an expression that does not resolve fail with a message naming map.items", async () => {
    const error = await failureOf(runWorkflowFile(workflow("bad-map-items"), {}));
    expect(error.message).toBe(
      `Invalid parallel-execution config of step 'each': map.items must be an array (or an expression that gives one) (received "js/ctx.vars.dataset.rows")`,
    );
  });
});

describe("map mode isolation", () => {
  it("a child editing its batch in place changes neither the parent's items nor a sibling's batch; its result keeps the edits", async () => {
    const { createEnvironment } = await import("../../src/composition/index.js");
    const dataset = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }];
    const env = createEnvironment({
      nodes: {
        "double-in-place": {
          handle: (ctx: Any) => {
            for (const record of ctx.item) record.n *= 2;
            ctx.item.push({ n: -1 });
            return ctx.item;
          },
        },
      },
    });
    const { ctx, response } = await env.run({
      name: "map-isolation",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: {
        fan: { map: { items: "js/ctx.request.body.dataset", batch_size: 2, node: { name: "doubler", node: "double-in-place", type: "module" } } },
        doubler: {},
      },
    }, { body: { dataset } });
    expect((response.data as { results: unknown }).results).toEqual([
      [{ n: 2 }, { n: 4 }, { n: -1 }],
      [{ n: 6 }, { n: 8 }, { n: -1 }],
    ]);
    expect(dataset).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect((ctx.request.body as { dataset: unknown }).dataset).toBe(dataset);
    await env.close();
  });

  it("a child editing its batch of primitives changes neither the parent's items nor a retry of the same batch", async () => {
    const { createEnvironment } = await import("../../src/composition/index.js");
    const numbers = [1, 2, 3, 4, 5];
    const seen: number[][] = [];
    const env = createEnvironment({
      nodes: {
        "zero-then-fail": {
          handle: (ctx: Any) => {
            seen.push([...ctx.item]);
            ctx.item.fill(0);
            ctx.item.push(99);
            if (seen.length === 1) throw new Error("first attempt fails after editing its batch");
            return ctx.item;
          },
        },
      },
    });
    const { response } = await env.run({
      name: "map-primitives",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: {
        fan: { execution: { strategy: "sequential", retry: { attempts: 2, delay_ms: 0 } }, map: { items: "js/ctx.request.body.numbers", batch_size: 3, node: { name: "zero", node: "zero-then-fail", type: "module" } } },
        zero: {},
      },
    }, { body: { numbers } });
    expect(seen).toEqual([[1, 2, 3], [1, 2, 3], [4, 5]]);
    expect((response.data as { results: unknown }).results).toEqual([[0, 0, 0, 99], [0, 0, 99]]);
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
    await env.close();
  });

  it("items written into the workflow document: children edit copies, the document and a second run see the original items", async () => {
    const { createEnvironment } = await import("../../src/composition/index.js");
    const env = createEnvironment({
      nodes: {
        "double-in-place": {
          handle: (ctx: Any) => {
            for (const record of ctx.item) record.n *= 2;
            return ctx.item.map((record: { n: number }) => record.n);
          },
        },
      },
    });
    const doc = {
      name: "map-literal",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: {
        fan: { inputs: { map: { items: [{ n: 1 }, { n: 2 }, { n: 3 }], batch_size: 2, node: { name: "doubler", node: "double-in-place", type: "module" } } } },
        doubler: {},
      },
    };
    const first = await env.run(doc, {});
    const second = await env.run(doc, {});
    for (const run of [first, second]) {
      expect((run.response.data as { results: unknown }).results).toEqual([[2, 4], [6]]);
      expect((run.ctx.config.fan as Any).inputs.map.items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    }
    expect(doc.nodes.fan.inputs.map.items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    // Each run has its own copy of the document's items (a server runs one loaded workflow per request).
    expect((first.ctx.config.fan as Any).inputs.map.items).not.toBe((second.ctx.config.fan as Any).inputs.map.items);
    await env.close();
  });
});
