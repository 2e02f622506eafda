import { describe, expect, it } from "vitest";
import { Run } from "../../src/server/run.js";
import { RunStore } from "../../src/server/runStore.js";

function finishedRun(id: string, size: number): Run {
  const run = new Run(id, "w");
  run.settle({ data: "x".repeat(size) });
  return run;
}

describe("RunStore", () => {
  it("evicts the oldest finished runs past the byte bound, never a running one", () => {
    const store = new RunStore({ maxRuns: 100, maxBytes: 2_500 });
    const running = new Run("running", "w");
    store.add(running);
    for (const id of ["a", "b", "c"]) {
      const run = finishedRun(id, 1_000);
      store.add(run);
      store.finished(run);
    }
    expect(store.list().map((run) => run.id)).toEqual(["c", "b", "running"]);
    expect(store.running()).toEqual([running]);
  });

  it("counts a run's events in its bytes", () => {
    const quiet = finishedRun("q", 10);
    const busy = new Run("b", "w");
    for (let i = 0; i < 10; i++) busy.events.push("progress", "x".repeat(100));
    busy.settle({ data: "x".repeat(10) });
    expect(busy.bytes - quiet.bytes).toBeGreaterThanOrEqual(1_000);
  });
});
