import { describe, expect, it } from "vitest";
import { barReporter, type BarClock, createProgressReporter } from "../../src/cli/progressReporter.js";
import type { ExecutionInfo, ParallelEvent } from "../../src/core/index.js";

function info(fields: Partial<ExecutionInfo>): ExecutionInfo {
  return {
    total: 4,
    completed: 0,
    failed: 0,
    errored: 0,
    timed_out: 0,
    cancelled: 0,
    running: 0,
    queued: 0,
    retried: 0,
    late_settlements: 0,
    concurrent_peak: 0,
    duration_ms: 0,
    ...fields,
  };
}

const child = (type: "started" | "succeeded" | "failed", index: number, fields: Partial<ExecutionInfo>): ParallelEvent<unknown> => ({
  type,
  index,
  name: `c${index}`,
  attempt: 1,
  info: info(fields),
});

/** A clock the test advances by hand. */
function manualClock() {
  let now = 0;
  let interval: { fn: () => void; ms: number; next: number } | undefined;
  const immediates: (() => void)[] = [];
  const clock: BarClock = {
    now: () => now,
    setInterval: (fn, ms) => {
      interval = { fn, ms, next: now + ms };
      return interval;
    },
    clearInterval: () => {
      interval = undefined;
    },
    setImmediate: (fn) => immediates.push(fn),
  };
  return {
    clock,
    /** Runs pending immediates (the end of the current tick). */
    tick() {
      for (const fn of immediates.splice(0)) fn();
    },
    advance(ms: number) {
      const until = now + ms;
      while (interval && interval.next <= until) {
        now = interval.next;
        interval.next += interval.ms;
        interval.fn();
      }
      now = until;
    },
    get ticking() {
      return interval !== undefined;
    },
  };
}

function output() {
  const writes: string[] = [];
  return { out: { write: (text: string) => writes.push(text), columns: 200 }, writes, frames: () => writes.join("").split("\r\x1b[2K").filter(Boolean) };
}

describe("the progress bar", () => {
  it("draws after the burst of same-tick events, so concurrent starts show together", () => {
    const time = manualClock();
    const { out, frames } = output();
    const reporter = barReporter(out, time.clock);
    reporter.onEvent("fan", child("started", 0, { running: 1, queued: 3 }));
    reporter.onEvent("fan", child("started", 1, { running: 2, queued: 2 }));
    expect(frames()).toEqual([]);
    time.tick();
    expect(frames()).toEqual(["fan ░░░░░░░░░░░░░░░░░░░░░░░░ 0/4  ✓ 0  running 2 (c0, c1)  0.0s"]);
  });

  it("never shows the transient state between a child ending and the next starting", () => {
    const time = manualClock();
    const { out, frames } = output();
    const reporter = barReporter(out, time.clock);
    reporter.onEvent("fan", child("started", 0, { running: 1, queued: 3 }));
    reporter.onEvent("fan", child("started", 1, { running: 2, queued: 2 }));
    time.tick();
    time.advance(150);
    reporter.onEvent("fan", child("succeeded", 0, { completed: 1, running: 1, queued: 2, duration_ms: 150 }));
    reporter.onEvent("fan", child("started", 2, { completed: 1, running: 2, queued: 1, duration_ms: 150 }));
    time.advance(50);
    expect(frames().at(-1)).toBe("fan ██████░░░░░░░░░░░░░░░░░░ 1/4  ✓ 1  running 2 (c1, c2)  0.2s");
    expect(frames().some((frame) => frame.includes("running 1"))).toBe(false);
  });

  it("keeps the elapsed time moving while nothing happens", () => {
    const time = manualClock();
    const { out, frames } = output();
    const reporter = barReporter(out, time.clock);
    reporter.onEvent("fan", child("started", 0, { running: 1, queued: 3 }));
    time.tick();
    time.advance(2500);
    expect(frames().at(-1)).toMatch(/running 1 \(c0\) {2}2\.5s$/);
  });

  it("ends with the final line and a newline, stops its timer, and marks a failed run", () => {
    const time = manualClock();
    const { out, writes, frames } = output();
    const reporter = barReporter(out, time.clock);
    reporter.onEvent("fan", child("started", 0, { running: 1, total: 1 }));
    reporter.onEvent("fan", child("failed", 0, { failed: 1, errored: 1, total: 1, duration_ms: 40 }));
    reporter.onEvent("fan", { type: "finished", outcome: "failed", info: info({ total: 1, failed: 1, errored: 1, duration_ms: 40 }) } as ParallelEvent<unknown>);
    expect(frames().at(-1)).toBe("fan ████████████████████████ 1/1  ✓ 0  ✗ 1  running 0  0.0s  FAILED\n");
    expect(time.ticking).toBe(false);
    const count = writes.length;
    time.tick();
    time.advance(1000);
    reporter.close();
    expect(writes).toHaveLength(count);
  });

  it("close() finishes an interrupted line", () => {
    const time = manualClock();
    const { out, writes } = output();
    const reporter = barReporter(out, time.clock);
    reporter.onEvent("fan", child("started", 0, { running: 1 }));
    reporter.close();
    expect(writes.join("")).toMatch(/running 1 \(c0\) {2}0\.0s\n$/);
    expect(time.ticking).toBe(false);
  });
});

describe("createProgressReporter()", () => {
  const events: ParallelEvent<unknown>[] = [
    child("started", 0, { running: 1 }),
    child("succeeded", 0, { completed: 1 }),
    { type: "finished", outcome: "succeeded", info: info({ completed: 1, total: 1 }), result: { results: [1], execution_info: info({}) } } as ParallelEvent<unknown>,
  ];

  it("ndjson: one JSON object per event, each with the step and its info; the finished line carries no result", () => {
    const { out, writes } = output();
    const reporter = createProgressReporter("ndjson", out);
    for (const event of events) reporter.onEvent("fan", event);
    reporter.close();
    const lines = writes.join("").trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatchObject({ step: "fan", info: expect.any(Object) });
    expect(lines[2]).toEqual({ step: "fan", type: "finished", outcome: "succeeded", info: expect.any(Object) });
  });

  it("none, and auto without a terminal, write nothing", () => {
    for (const style of ["none", "auto"] as const) {
      const { out, writes } = output();
      const reporter = createProgressReporter(style, out);
      for (const event of events) reporter.onEvent("fan", event);
      reporter.close();
      expect(writes).toEqual([]);
    }
  });

  it("auto on a terminal draws the bar", () => {
    const { out, writes } = output();
    const reporter = createProgressReporter("auto", { ...out, isTTY: true });
    for (const event of events) reporter.onEvent("fan", event);
    expect(writes.join("")).toContain("1/1");
  });
});
