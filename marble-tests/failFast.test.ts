/**
 * fail-fast: the first failure unsubscribes every running sibling at the failing frame, starts
 * no further child, and fails the run with an error naming the child and the cause.
 */
import { throwError } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { ChildCancelledError, ParallelExecutionError, parallel } from "../src/core/index.js";
import { expectBalanced, finishedOnly, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe("parallel() fail-fast", () => {
  it("parallel() unsubscribes running siblings on the first failure and subscribes no further child (fail-fast)", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-----a|"));
      const b = marbleChild("b", cold("--#"));
      const c = marbleChild("c", cold("----------c|"));
      const d = marbleChild("d", cold("-d|"));
      const asubs = "                   ^-!";
      const bsubs = "                   ^-!";
      const csubs = "                   ^-!";
      const expected = "                --(f|)";

      expectObservable(parallel([a, b, c, d], { max_concurrent: 3 }, { scheduler }).pipe(finishedOnly())).toBe(expected, {
        f: { outcome: "failed", reason: "child_failed", message: "Node b failed: error", results: [null, null, null, null] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      // d was queued behind the window: it must never start.
      expectSubscriptions(d.cold.subscriptions).toBe([]);
    });
  });

  it("parallel() emits cancelled events for the running siblings, then finished, all at the failing frame (fail-fast)", () => {
    scheduler.run(({ cold, flush }) => {
      const a = marbleChild("a", cold("-----a|"));
      const b = marbleChild("b", cold("--#", undefined, new Error("boom")));
      const c = marbleChild("c", cold("----------c|"));
      const d = marbleChild("d", cold("-d|"));
      const run = recordEvents(scheduler, parallel([a, b, c, d], { max_concurrent: 3 }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "started:1@0", "started:2@0", "failed:1@2", "cancelled:0@2", "cancelled:2@2", "finished@2", "complete@2"]);

      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      const error = finished.error;
      expect(error).toBeInstanceOf(ParallelExecutionError);
      expect(error.reason).toBe("child_failed");
      expect(error.message).toBe("Node b failed: boom");
      expect(error.child).toEqual({ index: 1, name: "b" });
      expect((error.cause as Error).message).toBe("boom");
      expect(error.errors.map(({ index, node, status, error: message, attempts }) => ({ index, node, status, message, attempts }))).toEqual([
        { index: 0, node: "a", status: "cancelled", message: "Node a was cancelled: Node b failed: boom", attempts: 1 },
        { index: 1, node: "b", status: "failed", message: "boom", attempts: 1 },
        { index: 2, node: "c", status: "cancelled", message: "Node c was cancelled: Node b failed: boom", attempts: 1 },
        { index: 3, node: "d", status: "cancelled", message: "Node d was not started: Node b failed: boom", attempts: 0 },
      ]);
      const cancelledCause = error.errors[3]!.cause as ChildCancelledError;
      expect(cancelledCause).toBeInstanceOf(ChildCancelledError);
      expect(cancelledCause.started).toBe(false);
      expect(error.info).toBe(finished.info);
      expect(error.info).toMatchObject({ total: 4, completed: 0, failed: 4, errored: 1, cancelled: 3, timed_out: 0, concurrent_peak: 3, duration_ms: 2 });
      expectBalanced(error.info);
    });
  });

  it("parallel() keeps the values of children that succeeded before the failure in the error's partial results (fail-fast)", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-a|"));
      const b = marbleChild("b", cold("---#"));
      const c = marbleChild("c", cold(" -c|"));
      const d = marbleChild("d", cold("  -----d|"));
      const csubs = "                   -^!";
      const dsubs = "                   --^!";
      expectObservable(parallel([a, b, c, d], { max_concurrent: 2 }, { scheduler }).pipe(finishedOnly())).toBe("---(f|)", {
        f: { outcome: "failed", reason: "child_failed", message: "Node b failed: error", results: ["a", null, "c", null] },
      });
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      expectSubscriptions(d.cold.subscriptions).toBe(dsubs);
    });
  });

  it("parallel() stops before the next child when a child fails synchronously at subscription (fail-fast)", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // throwError errors during subscribe (a cold "#" would error from a scheduled action).
      const a = { name: "a", run: () => throwError(() => new TypeError("bad input")) };
      const b = marbleChild("b", cold("-b|"));
      expectObservable(parallel([a, b], { max_concurrent: 2 }, { scheduler }).pipe(finishedOnly())).toBe("(f|)", {
        f: { outcome: "failed", reason: "child_failed", message: "Node a failed: bad input", results: [null, null] },
      });
      expectSubscriptions(b.cold.subscriptions).toBe([]);
    });
  });

  it("parallel() treats a child whose run() throws as a failed attempt naming the thrown message (fail-fast)", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const thrower = {
        name: "thrower",
        run: (): never => {
          throw new Error("cannot start");
        },
      };
      const ok = marbleChild("ok", cold("-x|"));
      expectObservable(parallel([ok, thrower], {}, { scheduler }).pipe(finishedOnly())).toBe("(f|)", {
        f: { outcome: "failed", reason: "child_failed", message: "Node thrower failed: cannot start", results: [null, null] },
      });
    });
  });

  it("parallel() cancels a sibling that is waiting out a retry backoff on the first final failure (fail-fast)", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // retry: 3 attempts, 10 ms between them. flaky fails for good at 23; slow is in its
      // backoff (18 -> 28) then, and must not be re-subscribed.
      const flaky = marbleChild("flaky", cold("-#"));
      const slow = marbleChild("slow", cold("----#"));
      const run = recordEvents(scheduler, parallel([flaky, slow], { retry: { attempts: 3, delay_ms: 10, backoff_factor: 1 } }, { scheduler }));
      flush();
      expectSubscriptions(flaky.cold.subscriptions).toBe(["^!", "-----------^!", "----------------------^!"]);
      expectSubscriptions(slow.cold.subscriptions).toBe(["^---!", "--------------^---!"]);
      expect(run.labels.slice(-4)).toEqual(["failed:0@23", "cancelled:1@23", "finished@23", "complete@23"]);
      const info = lastFinished(run.events).info;
      expect(info.children!.map((c) => [c.status, c.attempts])).toEqual([
        ["failed", 3],
        ["cancelled", 2],
      ]);
      // flaky retried at 1 and 12, slow at 4 and 18.
      expect(info.retried).toBe(4);
    });
  });
});
