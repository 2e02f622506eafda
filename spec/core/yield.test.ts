import { describe, expect, it } from "vitest";
import { asyncChild, type Child, executeParallel } from "../../src/core/index.js";

// Children that settle in microtasks only: without the feed's periodic yield a whole run is one
// macrotask and no timer can fire until it ends.
const instant = (n: number): Child<number>[] => Array.from({ length: n }, (_, i) => asyncChild(`c${i}`, async () => i));

describe("the feed yields to the event loop on real time", () => {
  it("executeParallel() emits sampled progress while children settle in microtasks only", async () => {
    const seen: number[] = [];
    const execution = executeParallel(instant(20_000), { max_concurrent: 16 }, {
      progress: { sample_ms: 1 },
      onEvent: (event) => {
        if (event.type === "progress") seen.push(event.info.completed);
      },
    });
    const { results } = await execution.result;
    expect(results).toHaveLength(20_000);
    // Progress arrived mid-run, not only at the end.
    expect(seen.some((completed) => completed > 0 && completed < 20_000)).toBe(true);
  });

  it("executeParallel() lets a timer fire mid-run: cancel() from a timeout stops a microtask-only run", async () => {
    const execution = executeParallel(instant(300_000), { max_concurrent: 16 }, { progress: "none" });
    setTimeout(() => execution.cancel("enough"), 5);
    const error = await execution.result.catch((e: unknown) => e as { reason: string; info: { completed: number; total: number } });
    expect(error).toMatchObject({ reason: "cancelled" });
    expect((error as { info: { completed: number; total: number } }).info).toMatchObject({ total: 300_000 });
    expect((error as { info: { completed: number } }).info.completed).toBeLessThan(300_000);
  });

  it("executeParallel() leaves no pending immediate after a stop", async () => {
    const immediates = () => process.getActiveResourcesInfo().filter((name) => name === "Immediate").length;
    const before = immediates();
    const execution = executeParallel(instant(50_000), { max_concurrent: 4 }, { progress: "none" });
    setTimeout(() => execution.cancel(), 2);
    await execution.result.catch(() => undefined);
    expect(immediates()).toBe(before);
  });
});
