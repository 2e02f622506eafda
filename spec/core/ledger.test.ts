/**
 * The run's ledger (internal): each child settles exactly once, later settlements are refused
 * and leave every counter alone, and snapshots balance with and without a total hint.
 */
import { describe, expect, it } from "vitest";
import { Ledger } from "../../src/core/internal/ledger.js";

function ledgerAt(times: number[], totalHint?: number) {
  let i = 0;
  const clock = () => times[Math.min(i++, times.length - 1)]!;
  return new Ledger<string>(clock, totalHint);
}

describe("Ledger", () => {
  it("Ledger settles a child once and refuses any later success, failure or cancellation", () => {
    const ledger = new Ledger<string>(() => 0, undefined);
    ledger.register(0, "a", undefined);
    ledger.attemptStarted(0);
    expect(ledger.fail(0, new Error("timeout"), "timed_out")).toBe(true);
    const before = ledger.snapshot();

    expect(ledger.succeed(0, "late value")).toBe(false);
    expect(ledger.fail(0, new Error("late error"), "failed")).toBe(false);
    expect(ledger.cancel(0, new Error("late cancel"))).toBe(false);

    expect(ledger.snapshot()).toEqual(before);
    expect(ledger.results()).toEqual([null]);
    expect(ledger.errors()).toEqual([{ index: 0, node: "a", status: "timed_out", error: "timeout", attempts: 1 }]);
  });

  it("Ledger counts a child's slot once across attempts and releases it at the terminal state", () => {
    const ledger = new Ledger<string>(() => 0, undefined);
    ledger.register(0, "a", "module");
    ledger.attemptStarted(0);
    ledger.attemptStarted(0);
    expect(ledger.snapshot()).toMatchObject({ running: 1, concurrent_peak: 1 });
    expect(ledger.attemptsOf(0)).toBe(2);
    expect(ledger.runningIndexes()).toEqual([0]);
    ledger.succeed(0, "v");
    expect(ledger.snapshot()).toMatchObject({ running: 0, completed: 1 });
    expect(ledger.runningIndexes()).toEqual([]);
    expect(ledger.finalInfo().children).toEqual([{ index: 0, name: "a", runtime: "module", status: "succeeded", attempts: 2, start_ms: 0, duration_ms: 0 }]);
  });

  it("Ledger measures offsets and durations from its clock, keeping microseconds", () => {
    // origin 10, start 12.0004, end 15.5
    const ledger = ledgerAt([10, 12.0004, 15.5, 20]);
    ledger.register(0, "a", undefined);
    ledger.attemptStarted(0);
    ledger.succeed(0, "v");
    const info = ledger.finalInfo();
    expect(info.children![0]).toMatchObject({ start_ms: 2, duration_ms: 3.5 });
    expect(info.duration_ms).toBe(10);
  });

  it("Ledger reports queued children from a total hint until the input is done, then the exact count", () => {
    const ledger = new Ledger<string>(() => 0, 4);
    ledger.register(0, "a", undefined);
    ledger.attemptStarted(0);
    expect(ledger.total).toBe(4);
    expect(ledger.totalKnown).toBe(true);
    expect(ledger.snapshot()).toMatchObject({ total: 4, running: 1, queued: 3 });
    ledger.register(1, "b", undefined);
    ledger.markInputDone();
    expect(ledger.snapshot()).toMatchObject({ total: 2, running: 1, queued: 1 });
    expect(ledger.results()).toEqual([null, null]);
  });

  it("Ledger merges reported timings and keeps microseconds, like the other durations", () => {
    const ledger = new Ledger<string>(() => 0, undefined);
    ledger.register(0, "a", undefined);
    ledger.addTiming(0, { startup_ms: 1.23456789, work_ms: 1 });
    ledger.addTiming(0, { work_ms: 2.0000004 });
    expect(ledger.finalInfo().children![0]!.timing).toEqual({ startup_ms: 1.235, work_ms: 2 });
  });

  it("Ledger without a hint knows its total only once the input is done", () => {
    const ledger = new Ledger<string>(() => 0, undefined);
    ledger.register(0, "a", undefined);
    expect(ledger.totalKnown).toBe(false);
    ledger.markInputDone();
    expect(ledger.totalKnown).toBe(true);
  });

  it("Ledger counts failures for the budget from errors and timeouts, not cancellations", () => {
    const ledger = new Ledger<string>(() => 0, undefined);
    for (let i = 0; i < 3; i++) {
      ledger.register(i, `c${i}`, undefined);
      ledger.attemptStarted(i);
    }
    ledger.fail(0, "x", "failed");
    ledger.fail(1, "y", "timed_out");
    ledger.cancel(2, "z");
    expect(ledger.failures).toBe(2);
    expect(ledger.snapshot()).toMatchObject({ failed: 3, errored: 1, timed_out: 1, cancelled: 1 });
  });
});
