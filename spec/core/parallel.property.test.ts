/**
 * Property tests over random runs on virtual time: random child durations and failures, random
 * max_concurrent, strategy, error handling, timeout and retries. Whatever the mix, results keep
 * one slot per child in input order, counts balance, every child ends exactly once, the window
 * is never exceeded (sequential = 1), and fail-fast stops every running child at the failing frame.
 */
import fc from "fast-check";
import { from } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { type Child, type ChildEvent, type ExecutionOptionsInput, parallel, type RunOptions } from "../../src/core/index.js";
import { expectBalanced, lastFinished, type MarbleChild, marbleChild, recordEvents } from "../../marble-tests/helpers.js";

interface ChildSpec {
  /** Frame (relative to the attempt's start) at which the child emits or errors. Even, so it never ties with an odd timeout. */
  readonly at: number;
  readonly fails: boolean;
}

interface RunSpec {
  readonly children: readonly ChildSpec[];
  readonly options: ExecutionOptionsInput;
}

const childSpec = fc.record({ at: fc.integer({ min: 0, max: 6 }).map((n) => n * 2), fails: fc.boolean() });

const runSpec: fc.Arbitrary<RunSpec> = fc.record({
  children: fc.array(childSpec, { maxLength: 12 }),
  options: fc.record(
    {
      strategy: fc.constantFrom("parallel" as const, "sequential" as const),
      error_handling: fc.constantFrom("fail-fast" as const, "continue-partial" as const),
      max_concurrent: fc.integer({ min: 1, max: 6 }),
      // Odd, so it never falls on the frame a child emits.
      timeout: fc.integer({ min: 0, max: 6 }).map((n) => n * 2 + 1),
      retry: fc.record({ attempts: fc.integer({ min: 1, max: 3 }), delay_ms: fc.integer({ min: 0, max: 3 }), backoff_factor: fc.constant(1) }),
    },
    { requiredKeys: ["strategy", "error_handling", "max_concurrent"] },
  ),
});

const marblesOf = (spec: ChildSpec) => `${"-".repeat(spec.at)}${spec.fails ? "#" : "v|"}`;

/** Whether every attempt of this child ends in failure (an error, or reaching the timeout first). */
const alwaysFails = (spec: ChildSpec, options: ExecutionOptionsInput) => spec.fails || (options.timeout !== undefined && spec.at > options.timeout);

const TERMINAL = new Set(["succeeded", "failed", "timed_out", "cancelled"]);

/** Runs `spec` on a fresh TestScheduler and hands the outcome to `check`. */
function runOnVirtualTime(
  spec: RunSpec,
  check: (run: ReturnType<typeof recordEvents<number>>, children: MarbleChild<number>[], scheduler: TestScheduler) => void,
  runOptions: Omit<RunOptions, "scheduler"> = {},
): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run(({ cold, flush }) => {
    const children = spec.children.map((c, i) => marbleChild(`c${i}`, cold(marblesOf(c), { v: i })));
    const run = recordEvents(scheduler, parallel<number>(children as Child<number>[], spec.options, { ...runOptions, scheduler }));
    flush();
    check(run, children, scheduler);
  });
}

describe("parallel() properties on random runs", () => {
  it("parallel() keeps one result slot per child, in input order, and a balanced final snapshot", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        runOnVirtualTime(spec, (run) => {
          const finished = lastFinished(run.events);
          const n = spec.children.length;
          const results = finished.outcome === "succeeded" ? finished.result.results : finished.error.results;
          expect(results).toHaveLength(n);
          const info = finished.info;
          expectBalanced(info);
          expect(info.total).toBe(n);
          info.children!.forEach((record, i) => {
            expect(record.index).toBe(i);
            expect(TERMINAL.has(record.status)).toBe(true);
            // Result i is child i's own value, and only when child i succeeded.
            expect(results[i]).toBe(record.status === "succeeded" ? i : null);
            if (record.status === "succeeded") expect(spec.children[i]!.fails).toBe(false);
          });
          expect(info.completed).toBe(results.filter((r) => r !== null).length);
        });
      }),
    );
  });

  it("parallel() never holds more than max_concurrent slots (1 when sequential) and measures the peak from real starts and ends", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        runOnVirtualTime(spec, (run, children) => {
          const slots = spec.options.strategy === "sequential" ? 1 : spec.options.max_concurrent!;
          const info = lastFinished(run.events).info;
          // Replay the child events: +1 at a first start, -1 at a terminal event.
          let running = 0;
          let peak = 0;
          for (const event of run.events) {
            if (event.type === "started" && event.attempt === 1) running++;
            else if (TERMINAL.has(event.type)) running--;
            peak = Math.max(peak, running);
            expect(event.info.running).toBe(running);
          }
          expect(running).toBe(0);
          expect(info.concurrent_peak).toBe(peak);
          expect(peak).toBeLessThanOrEqual(slots);
          if (spec.children.length === 0) expect(peak).toBe(0);
          else expect(peak).toBeGreaterThanOrEqual(1);
          if (spec.options.strategy === "sequential" && spec.children.length > 0) expect(peak).toBe(1);
          // The subscriptions agree: from a child's first subscription to its last unsubscription
          // (backoff included) no more than `slots` children overlap.
          const spans = children.filter((c) => c.cold.subscriptions.length > 0).map((c) => [c.cold.subscriptions[0]!.subscribedFrame, c.cold.subscriptions.at(-1)!.unsubscribedFrame] as const);
          for (const [start] of spans) {
            expect(spans.filter(([s, e]) => s <= start && start < e).length).toBeLessThanOrEqual(slots);
          }
        });
      }),
    );
  });

  it("parallel() gives every child exactly one terminal state, with one terminal event for each child that started", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        runOnVirtualTime(spec, (run) => {
          const info = lastFinished(run.events).info;
          const terminalEvents = run.events.filter((e): e is ChildEvent => TERMINAL.has(e.type));
          info.children!.forEach((record, i) => {
            const mine = terminalEvents.filter((e) => e.index === i);
            if (record.attempts === 0) {
              expect(record.status).toBe("cancelled");
              expect(mine).toHaveLength(0);
            } else {
              expect(mine.map((e) => e.type)).toEqual([record.status]);
            }
          });
          // The finished event is the one and only last event.
          expect(run.events.filter((e) => e.type === "finished")).toHaveLength(1);
          expect(run.labels.at(-1)).toMatch(/^complete@/);
        });
      }),
    );
  });

  it("parallel() sequential runs children one after the other, in input order", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        const sequential = { ...spec, options: { ...spec.options, strategy: "sequential" as const } };
        runOnVirtualTime(sequential, (_run, children) => {
          const subscriptions = children.flatMap((c) => c.cold.subscriptions);
          // Attempts were recorded child by child; each starts no earlier than the previous one ended.
          for (let i = 1; i < subscriptions.length; i++) {
            expect(subscriptions[i]!.subscribedFrame).toBeGreaterThanOrEqual(subscriptions[i - 1]!.unsubscribedFrame);
          }
        });
      }),
    );
  });

  it("parallel() fails iff some child fails under fail-fast, and then stops every running child at the failing frame", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        const failFast = { ...spec, options: { ...spec.options, error_handling: "fail-fast" as const } };
        runOnVirtualTime(failFast, (run, children, scheduler) => {
          const finished = lastFinished(run.events);
          const anyFails = spec.children.some((c) => alwaysFails(c, failFast.options));
          expect(finished.outcome).toBe(anyFails ? "failed" : "succeeded");
          if (finished.outcome !== "failed") return;
          expect(["child_failed", "child_timed_out"]).toContain(finished.error.reason);
          const end = Number(run.labels.at(-2)!.split("@")[1]);
          expect(end).toBeLessThanOrEqual(scheduler.now());
          const info = finished.info;
          expect(info.errored + info.timed_out).toBe(1);
          children.forEach((child, i) => {
            const record = info.children![i]!;
            for (const s of child.cold.subscriptions) {
              // Nobody starts after the failure, and nobody outlives it.
              expect(s.subscribedFrame).toBeLessThanOrEqual(end);
              expect(s.unsubscribedFrame).toBeLessThanOrEqual(end);
            }
            // A child cancelled while running was unsubscribed exactly at the failing frame
            // (or is in a backoff, with its last attempt already over).
            if (record.status === "cancelled" && record.attempts > 0 && child.cold.subscriptions.at(-1)!.unsubscribedFrame !== end) {
              expect(spec.options.retry?.attempts ?? 1).toBeGreaterThan(1);
              expect(record.attempts).toBeLessThan(spec.options.retry!.attempts ?? 1);
            }
          });
          expect(finished.error.child).toBeDefined();
          expect(alwaysFails(spec.children[finished.error.child!.index]!, failFast.options)).toBe(true);
        });
      }),
    );
  });

  it("parallel() under continue-partial without a budget always succeeds, with one errors entry per failed child", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        const partial = { ...spec, options: { ...spec.options, error_handling: "continue-partial" as const } };
        runOnVirtualTime(partial, (run) => {
          const finished = lastFinished(run.events);
          if (finished.outcome !== "succeeded") throw new Error(`expected success, got ${finished.error.message}`);
          const expectedFailures = spec.children.flatMap((c, i) => (alwaysFails(c, partial.options) ? [i] : []));
          expect((finished.result.errors ?? []).map((e) => e.index)).toEqual(expectedFailures);
          expect(finished.info.failed).toBe(expectedFailures.length);
          expect(finished.info.cancelled).toBe(0);
          for (const i of expectedFailures) expect(finished.result.results[i]).toBeNull();
          // Each failed child used all its attempts, and retried counts the extra ones.
          const attempts = spec.options.retry?.attempts ?? 1;
          for (const entry of finished.result.errors ?? []) expect(entry.attempts).toBe(attempts);
          expect(finished.info.retried).toBe(expectedFailures.length * (attempts - 1));
        });
      }),
    );
  });

  it("parallel() ends by global_timeout at the latest, with every child stopped by then and the snapshot balanced", () => {
    fc.assert(
      fc.property(runSpec, fc.integer({ min: 1, max: 20 }), (spec, deadline) => {
        const options = { ...spec.options, global_timeout: deadline };
        runOnVirtualTime({ ...spec, options }, (run, children) => {
          const finished = lastFinished(run.events);
          const end = Number(run.labels.at(-2)!.split("@")[1]);
          expect(end).toBeLessThanOrEqual(deadline);
          for (const child of children) for (const s of child.cold.subscriptions) expect(s.unsubscribedFrame).toBeLessThanOrEqual(end);
          expectBalanced(finished.info);
          if (finished.outcome === "failed" && finished.error.reason === "global_timeout") {
            expect(end).toBe(deadline);
            // Whatever had not ended was cancelled: running ones after a start, the rest never started.
            for (const record of finished.info.children!) if (record.status === "cancelled") expect(record.attempts === 0 ? record.start_ms : record.start_ms! + record.duration_ms!).toBe(record.attempts === 0 ? null : deadline);
          }
        });
      }),
    );
  });

  it("parallel() with sampled progress emits a snapshot every sample_ms until the end, then the final event last", () => {
    fc.assert(
      fc.property(runSpec, fc.integer({ min: 1, max: 5 }), (spec, sample) => {
        runOnVirtualTime(
          spec,
          (run) => {
            const end = Number(run.labels.at(-2)!.split("@")[1]);
            const progress = run.labels.filter((l) => l.startsWith("progress@")).map((l) => Number(l.split("@")[1]));
            // One snapshot per elapsed sample period (a sample falling on the last frame may go either way).
            const expected = Array.from({ length: Math.floor(end / sample) }, (_, i) => (i + 1) * sample);
            expect(progress.filter((frame) => frame < end)).toEqual(expected.filter((frame) => frame < end));
            expect(run.labels.filter((l) => !l.startsWith("progress@")).map((l) => l.split("@")[0])).toEqual(["finished", "complete"]);
            for (const event of run.events.slice(0, -1)) expect(event.info.completed + event.info.failed + event.info.running + event.info.queued).toBe(spec.children.length);
          },
          { progress: { sample_ms: sample } },
        );
      }),
    );
  });

  it("parallel() gives the same outcome for an Observable of the same children as for the array", () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        const outcomes: unknown[] = [];
        for (const asObservable of [false, true]) {
          const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
          scheduler.run(({ cold, flush }) => {
            const children = spec.children.map((c, i): Child<number> => ({ name: `c${i}`, run: () => cold(marblesOf(c), { v: i }) }));
            const run = recordEvents(scheduler, parallel<number>(asObservable ? from(children) : children, spec.options, { scheduler }));
            flush();
            outcomes.push(run.labels);
            const { info } = lastFinished(run.events);
            outcomes.push(info.children);
          });
        }
        expect(outcomes[2]).toEqual(outcomes[0]);
        expect(outcomes[3]).toEqual(outcomes[1]);
      }),
    );
  });

  it("parallel() under continue-partial with a count budget fails exactly when failures exceed it", () => {
    fc.assert(
      fc.property(runSpec, fc.integer({ min: 0, max: 4 }), (spec, budget) => {
        const options = { ...spec.options, error_handling: "continue-partial" as const, tolerated_failures: budget };
        runOnVirtualTime({ ...spec, options }, (run) => {
          const finished = lastFinished(run.events);
          const failures = spec.children.filter((c) => alwaysFails(c, options)).length;
          expect(finished.outcome).toBe(failures > budget ? "failed" : "succeeded");
          if (finished.outcome === "failed") {
            expect(finished.error.reason).toBe("failure_budget_exceeded");
            // It stopped at the first failure over the budget.
            expect(finished.info.errored + finished.info.timed_out).toBe(budget + 1);
          }
        });
      }),
    );
  });
});
