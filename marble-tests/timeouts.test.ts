/**
 * Timeouts: the per-child `timeout` starts when the child starts (a queued child gets its full
 * timeout); `global_timeout` covers the whole run, queue time included, and cancels running
 * children (their subscriptions end at that frame) and never-started ones (attempts 0).
 */
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { ChildTimeoutError, parallel } from "../src/core/index.js";
import { expectBalanced, finishedOnly, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe("parallel() per-child timeout", () => {
  it("parallel() starts a child's timeout when it starts, so a child queued behind max_concurrent gets its full timeout", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // max_concurrent 1, timeout 5. b needs 4 frames but only starts at 3: measured from the
      // queue it would be past 5 at frame 7; measured from its start it has until 8.
      const a = marbleChild("a", cold("---a|"));
      const b = marbleChild("b", cold("   ----b|"));
      const c = marbleChild("c", cold("       ------c|"));
      const asubs = "                   ^--!";
      const bsubs = "                   ---^---!";
      const csubs = "                   -------^----!";
      const expected = "                ------------(f|)";

      const events$ = parallel([a, b, c], { max_concurrent: 1, timeout: 5, error_handling: "continue-partial" }, { scheduler });
      expectObservable(events$.pipe(finishedOnly())).toBe(expected, {
        f: {
          outcome: "succeeded",
          results: ["a", "b", null],
          errors: [{ index: 2, status: "timed_out", error: "Node c timed out after 5ms", attempts: 1 }],
        },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      // c is unsubscribed exactly 5 frames after its own start.
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
    });
  });

  it("parallel() records a timed-out child as timed_out with its duration equal to the timeout", () => {
    scheduler.run(({ cold, flush }) => {
      const a = marbleChild("a", cold("--a|"));
      const slow = marbleChild("slow", cold("----------s|"));
      const run = recordEvents(scheduler, parallel([a, slow], { max_concurrent: 1, timeout: 4, error_handling: "continue-partial" }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "succeeded:0@2", "started:1@2", "timed_out:1@6", "finished@6", "complete@6"]);
      const info = lastFinished(run.events).info;
      expect(info).toMatchObject({ completed: 1, failed: 1, timed_out: 1, errored: 0, cancelled: 0 });
      expect(info.children![1]).toEqual({
        index: 1,
        name: "slow",
        status: "timed_out",
        attempts: 1,
        start_ms: 2,
        duration_ms: 4,
        error: "Node slow timed out after 4ms",
      });
    });
  });

  it("parallel() fails the run on a child timeout under fail-fast, naming the child and the timeout, and cancels siblings", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      const slow = marbleChild("chunk-2", cold("----------a|"));
      const sibling = marbleChild("sibling", cold("--------b|"));
      const run = recordEvents(scheduler, parallel([slow, sibling], { timeout: 4 }, { scheduler }));
      flush();
      expectSubscriptions(slow.cold.subscriptions).toBe("^---!");
      expectSubscriptions(sibling.cold.subscriptions).toBe("^---!");
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.reason).toBe("child_timed_out");
      expect(finished.error.message).toBe("Node chunk-2 timed out after 4ms");
      expect(finished.error.child).toEqual({ index: 0, name: "chunk-2" });
      expect(finished.error.cause).toBeInstanceOf(ChildTimeoutError);
      expect(finished.error.cause).toMatchObject({ child: "chunk-2", index: 0, timeoutMs: 4 });
      expect(finished.info).toMatchObject({ timed_out: 1, cancelled: 1, completed: 0 });
    });
  });
});

describe("parallel() global_timeout", () => {
  it("parallel() global_timeout cancels running children at its frame and never-started ones with 0 attempts", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // max_concurrent 2, global_timeout 10: a ends at 4, c takes its slot and is cut at 10;
      // b runs from 0 and is cut at 10; d never gets a slot.
      const a = marbleChild("a", cold("----a|"));
      const b = marbleChild("b", cold("------------b|"));
      const c = marbleChild("c", cold("    --------c|"));
      const d = marbleChild("d", cold("-d|"));
      const asubs = "                   ^---!";
      const bsubs = "                   ^---------!";
      const csubs = "                   ----^-----!";
      const expected = "                ----------(f|)";

      expectObservable(parallel([a, b, c, d], { max_concurrent: 2, global_timeout: 10 }, { scheduler }).pipe(finishedOnly())).toBe(expected, {
        f: { outcome: "failed", reason: "global_timeout", message: "Parallel execution timed out after 10ms (global_timeout)", results: ["a", null, null, null] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      expectSubscriptions(d.cold.subscriptions).toBe([]);
    });
  });

  it("parallel() global_timeout counts queue time: a sequential child is cut before its own timeout", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // sequential, timeout 8 per child, global 10. b starts at 6; its own timeout would fire at 14.
      const a = marbleChild("a", cold("------a|"));
      const b = marbleChild("b", cold("      ------b|"));
      const c = marbleChild("c", cold("-c|"));
      const options = { strategy: "sequential", timeout: 8, global_timeout: 10, error_handling: "continue-partial" } as const;
      const run = recordEvents(scheduler, parallel([a, b, c], options, { scheduler }));
      flush();
      expectSubscriptions(b.cold.subscriptions).toBe("------^---!");
      expectSubscriptions(c.cold.subscriptions).toBe([]);
      expect(run.labels).toEqual(["started:0@0", "succeeded:0@6", "started:1@6", "cancelled:1@10", "finished@10", "complete@10"]);
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.reason).toBe("global_timeout");
      expect(finished.error.child).toBeUndefined();
      expect(finished.info.children).toEqual([
        { index: 0, name: "a", status: "succeeded", attempts: 1, start_ms: 0, duration_ms: 6 },
        {
          index: 1,
          name: "b",
          status: "cancelled",
          attempts: 1,
          start_ms: 6,
          duration_ms: 4,
          error: "Node b was cancelled: Parallel execution timed out after 10ms (global_timeout)",
        },
        {
          index: 2,
          name: "c",
          status: "cancelled",
          attempts: 0,
          start_ms: null,
          duration_ms: null,
          error: "Node c was not started: Parallel execution timed out after 10ms (global_timeout)",
        },
      ]);
      expectBalanced(finished.info);
    });
  });

  it("parallel() does not fire global_timeout after a run that finished in time", () => {
    scheduler.run(({ cold, flush }) => {
      const a = marbleChild("a", cold("---a|"));
      const run = recordEvents(scheduler, parallel([a], { global_timeout: 10 }, { scheduler }));
      // At frame 5 (run over, global deadline not reached) nothing may be pending on the clock:
      // the global timer was torn down with the run.
      let pendingAt5: number | undefined;
      scheduler.schedule(() => {
        pendingAt5 = scheduler.actions.filter((action) => !action.closed).length;
      }, 5);
      flush();
      expect(run.labels).toEqual(["started:0@0", "succeeded:0@3", "finished@3", "complete@3"]);
      expect(pendingAt5).toBe(0);
    });
  });
});
