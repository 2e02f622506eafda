import { beforeAll, describe, expect, it } from "vitest";
import { aborted, failureOf, journal, runId, runWorkflowFile, workflow } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: error documents are checked field by field
type Any = any;

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("failures through real workflow files", () => {
  it("fail-fast cancels a long sibling (which observes its abort) and fails the workflow naming the failed child", async () => {
    const run = runId();
    const started = performance.now();
    const error = await failureOf(runWorkflowFile(workflow("fail-fast"), { run }));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.message).toBe("Node boom failed: database unreachable");
    expect(error.context.code).toBe(500);
    expect(error.context.name).toBe("fan");
    const json = error.context.json as Any;
    expect(json).toMatchObject({ reason: "child_failed", node: "boom", results: [null, null, { label: "quick", ms: 0 }] });
    expect(json.execution_info).toMatchObject({ total: 3, completed: 1, failed: 2, errored: 1, cancelled: 1, running: 0 });
    expect(json.errors.map((entry: Any) => [entry.node, entry.status])).toEqual([
      ["long", "cancelled"],
      ["boom", "failed"],
    ]);
    // The sibling saw ctx.signal abort; the step after the container never ran.
    expect(aborted(journal(run))).toEqual(["long"]);
    expect(journal(run).filter((event) => event.label === "long").map((event) => event.event)).toEqual(["start", "abort"]);
  });

  it("a per-child timeout stops the child (signal observed) with 'Node <name> timed out after <n>ms' and code 504", async () => {
    const run = runId();
    const started = performance.now();
    const error = await failureOf(runWorkflowFile(workflow("child-timeout"), { timeout: 100, run }));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error.message).toBe("Node slow timed out after 100ms");
    expect(error.context.code).toBe(504);
    expect(error.context.json).toMatchObject({ reason: "child_timed_out", node: "slow", results: [null, { label: "quick", ms: 0 }] });
    expect((error.context.json as Any).execution_info).toMatchObject({ timed_out: 1, completed: 1 });
    expect(aborted(journal(run))).toEqual(["slow"]);
  });

  it("the global timeout stops every running child, names them, and answers 504", async () => {
    const run = runId();
    const error = await failureOf(runWorkflowFile(workflow("global-timeout"), { run }));
    expect(error.message).toBe("Parallel execution timed out after 150ms (global_timeout); stopped while running: a, b; not started: c");
    expect(error.context.code).toBe(504);
    expect((error.context.json as Any).execution_info).toMatchObject({ total: 3, cancelled: 3, concurrent_peak: 2 });
    expect(aborted(journal(run)).sort()).toEqual(["a", "b"]);
    expect(journal(run).some((event) => event.label === "c")).toBe(false);
  });

  it("continue-partial: null in failed slots, an errors entry per failure, and the next step reads them", async () => {
    const run = runId();
    const { response } = await runWorkflowFile(workflow("continue-partial"), { run });
    const { results, errors, failed } = (response.data as Any).inputs;
    expect(results).toEqual([{ label: "ok1", ms: 10 }, null, null, null, { label: "ok2", ms: 20 }]);
    expect(failed).toBe(3);
    expect(errors).toEqual([
      { index: 1, node: "bad", status: "failed", error: "bad input", attempts: 1 },
      { index: 2, node: "slow", status: "timed_out", error: "Node slow timed out after 150ms", attempts: 1 },
      { index: 3, node: "coded", status: "failed", error: "unprocessable", attempts: 1 },
    ]);
    expect(aborted(journal(run))).toEqual(["slow"]);
  });

  it("the failure budget: within it the step succeeds; past it the workflow fails naming the failed children", async () => {
    const within = (await runWorkflowFile(workflow("failure-budget"), { budget: "50%" })).response.data as Any;
    expect(within.results).toEqual([null, { label: "ok", ms: 0 }, null, { label: "ok2", ms: 0 }]);
    const error = await failureOf(runWorkflowFile(workflow("failure-budget"), { budget: 1 }));
    expect(error.message).toBe("Failure budget exceeded: 2 of 4 children failed (tolerated_failures: 1); failed: f1 (first failure), f2 (second failure)");
    expect(error.context.json).toMatchObject({ reason: "failure_budget_exceeded", results: [null, { label: "ok", ms: 0 }, null, null] });
    expect((error.context.json as Any).execution_info).toMatchObject({ errored: 2, completed: 1, cancelled: 1 });
  });
});

describe("retries through a real workflow file", () => {
  it("every attempt starts from the initial context: a failed attempt's writes are gone", async () => {
    const run = runId();
    const { response } = await runWorkflowFile(workflow("retry"), { run, user: "ada" });
    const output = response.data as Any;
    const initial = (label: string, failTimes: number) => ({
      list: ["x"],
      body: { run, user: "ada" },
      config: { inputs: { label, run, fail_times: failTimes } },
      response: "",
    });
    expect(output.results).toEqual([
      { attempt: 3, seen: initial("r1", 3) },
      { attempt: 1, seen: initial("r2", 1) },
    ]);
    expect(output.execution_info).toMatchObject({ retried: 2, completed: 2 });
    expect(output.execution_info.children.map((child: Any) => child.attempts)).toEqual([3, 1]);
  });
});

describe("a child that ignores its signal (written for stock Blok)", () => {
  it("is timed out on schedule; its late result is dropped and counted, never written into its slot", async () => {
    const run = runId();
    const { response } = await runWorkflowFile(workflow("late"), { run });
    const output = response.data as Any;
    // One slot: s1..s4 run one after the other after stubborn's timeout (60 ms), so the run
    // is still going when stubborn ends (100 ms).
    expect(output.results).toEqual([null, ...["s1", "s2", "s3", "s4"].map((label) => ({ label, ms: 45 }))]);
    expect(output.errors).toEqual([{ index: 0, node: "stubborn", status: "timed_out", error: "Node stubborn timed out after 60ms", attempts: 1 }]);
    expect(output.execution_info).toMatchObject({ timed_out: 1, completed: 4, late_settlements: 1 });
    // It ran to its end (nothing could stop it), after the container had given up on it.
    expect(journal(run).filter((event) => event.label === "stubborn").map((event) => event.event)).toEqual(["start", "end"]);
  });
});
