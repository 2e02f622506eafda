import { beforeAll, describe, expect, it } from "vitest";
import { type Context, GlobalError, NodeBlok, NodeBlokResponse, type NodeBase, Runner } from "../../src/blok/index.js";
import type { ParallelEvent } from "../../src/core/index.js";
import { defaultHost } from "../../src/node/host.js";
import { createParallelExecutionNode } from "../../src/node/ParallelExecutionNode.js";
import type { ChildStep } from "../../src/ports/index.js";
import { context, containerStep, failureOf, Gates, virtualTime } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: output documents are checked field by field
type Any = any;

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

const kids = (...names: [string, string][]) => names.map(([name, node]) => ({ name, node }));

class Boom extends NodeBlok<unknown> {
  async handle(): Promise<NodeBlokResponse> {
    throw new Error("boom");
  }
}

describe("parallel-execution container on virtual time (TestScheduler)", () => {
  it("stops a child at its per-child timeout: its signal aborts, the step fails with 504 naming it", async () => {
    const scheduler = virtualTime();
    const gates = new Gates();
    const step = containerStep({ gate: gates.node(), instant: Gates.instant() }, { scheduler });
    const ctx = context({ fan: { inputs: { execution: { timeout: 1000 }, nodes: kids(["slow", "gate"], ["fast", "instant"]) } }, slow: {}, fast: { inputs: { v: 1 } } });
    const run = new Runner([step]).run(ctx);
    await gates.started(1);
    scheduler.flush();
    const error = await failureOf(run);
    expect(error.message).toBe("Node slow timed out after 1000ms");
    expect(error.context.code).toBe(504);
    expect(error.context.name).toBe("fan");
    expect(gates.aborted("slow")).toBe(true);
    const json = error.context.json as Any;
    expect(json).toMatchObject({ reason: "child_timed_out", node: "slow", results: [null, { v: 1 }] });
    expect(json.execution_info).toMatchObject({ total: 2, completed: 1, failed: 1, timed_out: 1, duration_ms: 1000 });
    expect(json.errors).toEqual([{ index: 0, node: "slow", status: "timed_out", error: "Node slow timed out after 1000ms", attempts: 1 }]);
  });

  it("counts the per-child timeout from the child's start, not from when it was queued", async () => {
    const scheduler = virtualTime();
    const gates = new Gates();
    const step = containerStep({ gate: gates.node() }, { scheduler });
    const ctx = context({ fan: { inputs: { execution: { timeout: 1000, max_concurrent: 1 }, nodes: kids(["a", "gate"], ["b", "gate"]) } } });
    const run = new Runner([step]).run(ctx);
    await gates.started(1);
    // Advance virtual time to 800 only: `a` finishes there, before its own timeout.
    scheduler.schedule(() => gates.open("a", "a done"), 800);
    scheduler.maxFrames = 800;
    scheduler.flush();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    await gates.started(2);
    expect(scheduler.now()).toBe(800);
    scheduler.flush();
    const error = await failureOf(run);
    expect(error.message).toBe("Node b timed out after 1000ms");
    const children = (error.context.json as Any).execution_info.children;
    expect(children[0]).toMatchObject({ name: "a", status: "succeeded", start_ms: 0, duration_ms: 800 });
    expect(children[1]).toMatchObject({ name: "b", status: "timed_out", start_ms: 800, duration_ms: 1000 });
  });

  it("fails the step at the global timeout, queue time included, stopping running children and naming them", async () => {
    const scheduler = virtualTime();
    const gates = new Gates();
    const step = containerStep({ gate: gates.node() }, { scheduler });
    const ctx = context({ fan: { inputs: { execution: { global_timeout: 5000, max_concurrent: 2 }, nodes: kids(["a", "gate"], ["b", "gate"], ["c", "gate"]) } } });
    const run = new Runner([step]).run(ctx);
    await gates.started(2);
    scheduler.flush();
    const error = await failureOf(run);
    expect(error.message).toBe("Parallel execution timed out after 5000ms (global_timeout); stopped while running: a, b; not started: c");
    expect(error.context.code).toBe(504);
    expect(gates.aborted("a") && gates.aborted("b")).toBe(true);
    expect(gates.records.map((record) => record.name)).toEqual(["a", "b"]);
    const json = error.context.json as Any;
    expect(json).toMatchObject({ error: error.message, reason: "global_timeout", results: [null, null, null] });
    expect(json.execution_info).toMatchObject({ total: 3, cancelled: 3, duration_ms: 5000 });
  });

  it("continue-partial: null slots for the timed-out and the failed child, an errors list, and the step succeeds", async () => {
    const scheduler = virtualTime();
    const gates = new Gates();
    const step = containerStep({ gate: gates.node(), boom: Boom, ok: Gates.instant(() => "ok") }, { scheduler });
    const ctx = context({
      fan: { inputs: { execution: { error_handling: "continue-partial", timeout: 250 }, nodes: kids(["slow", "gate"], ["broken", "boom"], ["fine", "ok"]) } },
    });
    const run = new Runner([step]).run(ctx);
    await gates.started(1);
    scheduler.flush();
    const after = await run;
    const output = after.response.data as Any;
    expect(output.results).toEqual([null, null, "ok"]);
    expect(output.errors).toEqual([
      { index: 0, node: "slow", status: "timed_out", error: "Node slow timed out after 250ms", attempts: 1 },
      { index: 1, node: "broken", status: "failed", error: "boom", attempts: 1 },
    ]);
    expect(output.execution_info).toMatchObject({ total: 3, completed: 1, failed: 2, errored: 1, timed_out: 1, cancelled: 0, duration_ms: 250 });
    expect(after.vars?.fan).toEqual(output);
    expect(gates.aborted("slow")).toBe(true);
  });

  it("retries a child after its backoff in virtual time, keeping its slot", async () => {
    const scheduler = virtualTime();
    let calls = 0;
    const Flaky = Gates.instant(() => {
      calls++;
      if (calls === 1) throw new Error("first try fails");
      return `attempt ${calls}`;
    });
    const step = containerStep({ flaky: Flaky, ok: Gates.instant(() => "ok") }, { scheduler });
    const ctx = context({ fan: { inputs: { execution: { retry: { attempts: 3, delay_ms: 100 } }, nodes: kids(["f", "flaky"], ["o", "ok"]) } } });
    const run = new Runner([step]).run(ctx);
    await vitestWaitFor(() => calls === 1);
    expect(scheduler.now()).toBe(0);
    scheduler.flush();
    const output = (await run).response.data as Any;
    expect(output.results).toEqual(["attempt 2", "ok"]);
    expect(output.execution_info).toMatchObject({ retried: 1, duration_ms: 100 });
    expect(output.execution_info.children[0]).toMatchObject({ attempts: 2, status: "succeeded" });
  });
});

async function vitestWaitFor(condition: () => boolean): Promise<void> {
  const { vi } = await import("vitest");
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 5000, interval: 1 });
}

describe("parallel-execution container: outcomes", () => {
  it("returns results in child order whatever the completion order, as response data and at ctx.vars[<step>]", async () => {
    const gates = new Gates();
    const step = containerStep({ gate: gates.node() });
    const ctx = context({ fan: { inputs: { nodes: kids(["first", "gate"], ["second", "gate"], ["third", "gate"]) } } });
    const run = new Runner([step]).run(ctx);
    await gates.started(3);
    gates.open("third", 3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    gates.open("second", 2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    gates.open("first", 1);
    const after = await run;
    const output = after.response.data as Any;
    expect(output.results).toEqual([1, 2, 3]);
    expect(output).not.toHaveProperty("errors");
    expect(after.vars?.fan).toBe(output);
    expect(after.response.contentType).toBe("application/json");
    expect(output.execution_info).toMatchObject({ total: 3, completed: 3, failed: 0, concurrent_peak: 3 });
  });

  it("fail-fast: the first failure cancels running siblings and fails with the child's own code", async () => {
    const gates = new Gates();
    const Teapot = Gates.instant(() => {
      const error = new GlobalError("no coffee");
      error.setCode(418);
      throw error;
    });
    const step = containerStep({ gate: gates.node(), teapot: Teapot });
    const ctx = context({ fan: { inputs: { nodes: kids(["long", "gate"], ["pot", "teapot"]) } } });
    const error = await failureOf(new Runner([step]).run(ctx));
    expect(error.message).toBe("Node pot failed: no coffee");
    expect(error.context.code).toBe(418);
    expect(error.context.json).toMatchObject({ reason: "child_failed", node: "pot", results: [null, null] });
    expect((error.context.json as Any).execution_info).toMatchObject({ errored: 1, cancelled: 1 });
    expect(gates.aborted("long")).toBe(true);
  });

  it("fails like fail-fast when continue-partial exceeds its failure budget, naming the failed children and causes", async () => {
    const step = containerStep({ boom: Boom, ok: Gates.instant(() => "ok") });
    const ctx = context({
      fan: { inputs: { execution: { error_handling: "continue-partial", tolerated_failures: 1, max_concurrent: 1 }, nodes: kids(["b1", "boom"], ["fine", "ok"], ["b2", "boom"]) } },
    });
    const error = await failureOf(new Runner([step]).run(ctx));
    expect(error.message).toBe("Failure budget exceeded: 2 of 3 children failed (tolerated_failures: 1); failed: b1 (boom), b2 (boom)");
    expect(error.context.code).toBe(500);
    expect(error.context.json).toMatchObject({ reason: "failure_budget_exceeded", results: [null, "ok", null] });
  });

  it("is cancelled with the workflow: children see their signals abort", async () => {
    const gates = new Gates();
    const controller = new AbortController();
    const step = containerStep({ gate: gates.node() });
    const ctx = context({ fan: { inputs: { nodes: kids(["a", "gate"], ["b", "gate"]) } } }, {}, controller.signal);
    const run = new Runner([step]).run(ctx);
    await gates.started(2);
    controller.abort(new Error("client went away"));
    const error = await failureOf(run);
    expect(error.message).toBe("Parallel execution cancelled: client went away");
    expect(gates.aborted("a") && gates.aborted("b")).toBe(true);
  });

  it("forceSequential runs one child at a time whatever the workflow says", async () => {
    const step = containerStep({ ok: Gates.instant(() => "ok") }, { forceSequential: true });
    const ctx = context({ fan: { inputs: { execution: { max_concurrent: 5 }, nodes: kids(["a", "ok"], ["b", "ok"], ["c", "ok"]) } } });
    const output = (await new Runner([step]).run(ctx)).response.data as Any;
    expect(output.execution_info.concurrent_peak).toBe(1);
  });

  it("reports every event of the run to onEvent, with the step name", async () => {
    const events: [string, ParallelEvent<unknown>][] = [];
    const step = containerStep({ ok: Gates.instant(() => "ok") }, { onEvent: (name, event) => events.push([name, event]) });
    await new Runner([step]).run(context({ fan: { inputs: { nodes: kids(["a", "ok"], ["b", "ok"]) } } }));
    expect(events.every(([name]) => name === "fan")).toBe(true);
    expect(events.map(([, event]) => event.type)).toEqual(["started", "started", "succeeded", "succeeded", "finished"]);
  });

  it("with set_var on its step, leaves ctx.response alone and stores the output in ctx.vars", async () => {
    const step = containerStep({ ok: Gates.instant(() => "ok") });
    step.set_var = true;
    const ctx = context({ fan: { inputs: { nodes: kids(["a", "ok"], ["b", "ok"]) } } });
    ctx.response.data = "previous";
    const after = await new Runner([step]).run(ctx);
    expect(after.response.data).toBe("previous");
    expect((after.vars?.fan as Any).results).toEqual(["ok", "ok"]);
  });

  it("map mode: one child per batch, results in item order, each child sees ctx.item and ctx.index", async () => {
    const step = containerStep({ probe: Gates.instant((inputs, ctx) => ({ item: ctx.item, index: ctx.index, inputs })) });
    const ctx = context({
      fan: { inputs: { execution: { max_concurrent: 2 }, map: { items: "js/ctx.request.body.values", batch_size: 2, node: { name: "batch", node: "probe" } } } },
      batch: { inputs: { sum: "js/ctx.item.reduce((a, b) => a + b, 0)" } },
    }, { values: [1, 2, 3, 4, 5] });
    const output = (await new Runner([step]).run(ctx)).response.data as Any;
    expect(output.results).toEqual([
      { item: [1, 2], index: 0, inputs: { sum: 3 } },
      { item: [3, 4], index: 1, inputs: { sum: 7 } },
      { item: [5], index: 2, inputs: { sum: 5 } },
    ]);
    expect(output.execution_info.children.map((child: Any) => child.name)).toEqual(["batch[0]", "batch[1]", "batch[2]"]);
    expect(structuredClone(output)).toEqual(output);
  });

  it("fails before any child starts when a child cannot be resolved", async () => {
    const started: string[] = [];
    const step = containerStep({ ok: Gates.instant((_inputs, ctx) => started.push(ctx.config ? "ran" : "")) });
    const error = await failureOf(new Runner([step]).run(context({ fan: { inputs: { nodes: kids(["a", "ok"], ["b", "missing"]) } } })));
    expect(error.message).toBe("Child 'b' of parallel-execution step 'fan' cannot be resolved: Node missing not found");
    expect(error.context.code).toBe(500);
    expect(error.context.json).toEqual({ error: error.message, node: "b" });
    expect(started).toEqual([]);
  });

  it("fails with 500 and the issues in json for an invalid config", async () => {
    const step = containerStep({});
    const error = await failureOf(new Runner([step]).run(context({ fan: { inputs: { execution: { max_concurrent: 0 }, nodes: kids(["a", "x"], ["b", "x"]) } } })));
    expect(error.message).toBe("Invalid parallel-execution config of step 'fan': execution.max_concurrent must be at least 1 (received 0)");
    expect(error.context.code).toBe(500);
    expect(error.context.json).toEqual({ error: error.message, issues: [{ path: "execution.max_concurrent", rule: "must be at least 1", received: "0" }] });
  });
});

describe("createParallelExecutionNode() on a host app's own Blok classes", () => {
  class HostGlobalError extends GlobalError {}
  abstract class HostNodeBlok<T> extends NodeBlok<T> {}
  class HostResponse extends NodeBlokResponse {}
  const host = { ...defaultHost, GlobalError: HostGlobalError, NodeBlok: HostNodeBlok as Any, NodeBlokResponse: HostResponse };

  function hostContainer(nodes: Record<string, new () => NodeBase>) {
    const resolveChild = async (child: ChildStep) => {
      const node = new nodes[child.node]!();
      node.name = child.name;
      return node;
    };
    const Container = createParallelExecutionNode({ resolveChild }, host);
    const step = new Container();
    step.name = "fan";
    return step;
  }

  it("is an instance of the host's NodeBlok and answers with the host's response class", async () => {
    const step = hostContainer({ ok: Gates.instant(() => 1) });
    expect(step).toBeInstanceOf(HostNodeBlok);
    const response = await (step as NodeBlok<unknown>).handle(context({ fan: {} }), { nodes: kids(["a", "ok"], ["b", "ok"]) });
    expect(response).toBeInstanceOf(HostResponse);
  });

  it("throws the host's GlobalError for run failures and for setup failures, so the host runner keeps code and json", async () => {
    const step = hostContainer({ boom: Boom });
    const ctx: Context = context({ fan: {} });
    const run = await (step as NodeBlok<unknown>).handle(ctx, { nodes: kids(["a", "boom"], ["b", "boom"]) }).catch((error: unknown) => error);
    expect(run).toBeInstanceOf(HostGlobalError);
    const setup = await (step as NodeBlok<unknown>).handle(ctx, { nodes: [] }).catch((error: unknown) => error);
    expect(setup).toBeInstanceOf(HostGlobalError);
    expect((setup as GlobalError).context.code).toBe(500);
  });
});
