/**
 * The concurrency window: a sliding window (a freed slot is taken at once), `max_concurrent`
 * respected, `sequential` one at a time in input order, results in input order, zero children,
 * and Observable inputs whose children arrive over time.
 */
import { NEVER, Observable, throwError } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type Child, parallel } from "../src/core/index.js";
import { expectBalanced, finishedOnly, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe("parallel() concurrency window", () => {
  it("parallel() takes a freed slot at the frame it is freed (sliding window, not waves), max_concurrent 2", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("--a|"));
      const b = marbleChild("b", cold("------b|"));
      const c = marbleChild("c", cold("  --c|"));
      const d = marbleChild("d", cold("    --d|"));
      const asubs = "                   ^-!";
      const bsubs = "                   ^-----!";
      const csubs = "                   --^-!";
      const dsubs = "                   ----^-!";
      const expected = "                ------(f|)";

      expectObservable(parallel([a, b, c, d], { max_concurrent: 2 }, { scheduler }).pipe(finishedOnly())).toBe(expected, {
        f: { outcome: "succeeded", results: ["a", "b", "c", "d"] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      // In waves, c and d would both wait for b (frame 6).
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      expectSubscriptions(d.cold.subscriptions).toBe(dsubs);
    });
  });

  it("parallel() never runs more than max_concurrent children and measures concurrent_peak from real starts", () => {
    scheduler.run(({ cold, flush }) => {
      const durations = ["----a|", "-b|", "---c|", "-------d|", "--e|", "-f|", "-----g|", "--h|"];
      const children = durations.map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, { max_concurrent: 3 }, { scheduler }));
      flush();

      // The running count in every snapshot stays within the window, and the window is used.
      const running = run.events.map((e) => e.info.running);
      expect(Math.max(...running)).toBe(3);
      const finished = lastFinished(run.events);
      expect(finished.info.concurrent_peak).toBe(3);
      // Sliding window: the subscription intervals never overlap more than 3 deep.
      const intervals = children.map((c) => c.cold.subscriptions[0]!);
      for (let frame = 0; frame < 20; frame++) {
        const active = intervals.filter((s) => s.subscribedFrame <= frame && frame < s.unsubscribedFrame).length;
        expect(active).toBeLessThanOrEqual(3);
      }
      // Children start in input order.
      const starts = intervals.map((s) => s.subscribedFrame);
      expect([...starts].sort((x, y) => x - y)).toEqual(starts);
      expect(finished.outcome).toBe("succeeded");
    });
  });

  it("parallel() with strategy sequential runs one child at a time in input order, ignoring max_concurrent", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("---a|"));
      const b = marbleChild("b", cold("   -b|"));
      const c = marbleChild("c", cold("    --c|"));
      const asubs = "                   ^--!";
      const bsubs = "                   ---^!";
      const csubs = "                   ----^-!";
      const expected = "                ------(f|)";

      const events$ = parallel([a, b, c], { strategy: "sequential", max_concurrent: 10 }, { scheduler });
      expectObservable(events$.pipe(finishedOnly())).toBe(expected, { f: { outcome: "succeeded", results: ["a", "b", "c"] } });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
    });
  });

  it("parallel() with strategy sequential reports concurrent_peak 1", () => {
    scheduler.run(({ cold, flush }) => {
      const children = ["--a|", "-b|", "---c|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, { strategy: "sequential" }, { scheduler }));
      flush();
      const info = lastFinished(run.events).info;
      expect(info.concurrent_peak).toBe(1);
      expect(info.children!.map((c) => [c.start_ms, c.duration_ms])).toEqual([
        [0, 2],
        [2, 1],
        [3, 3],
      ]);
    });
  });

  it("parallel() writes results by input position whatever the completion order", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const values = { x: { id: 0 }, y: { id: 1 }, z: { id: 2 } };
      const children = [cold("-----x|", values), cold("-y|", values), cold("---z|", values)].map((c, i) => marbleChild(`c${i}`, c));
      expectObservable(parallel(children, {}, { scheduler }).pipe(finishedOnly())).toBe("-----(f|)", {
        f: { outcome: "succeeded", results: [{ id: 0 }, { id: 1 }, { id: 2 }] },
      });
    });
  });

  it("parallel() takes a child's first value and unsubscribes it there; completing empty gives undefined", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const many = marbleChild("many", cold("-ab-c|"));
      const empty = marbleChild("empty", cold("---|"));
      expectObservable(parallel([many, empty], {}, { scheduler }).pipe(finishedOnly())).toBe("---(f|)", {
        f: { outcome: "succeeded", results: ["a", undefined] },
      });
      expectSubscriptions(many.cold.subscriptions).toBe("^!");
      expectSubscriptions(empty.cold.subscriptions).toBe("^--!");
    });
  });

  it("parallel() with zero children succeeds at once with empty results and a balanced snapshot", () => {
    scheduler.run(({ expectObservable, flush }) => {
      expectObservable(parallel([], {}, { scheduler }).pipe(finishedOnly())).toBe("(f|)", { f: { outcome: "succeeded", results: [] } });
      const run = recordEvents(scheduler, parallel([], { error_handling: "continue-partial", tolerated_failures: "10%" }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["finished@0", "complete@0"]);
      const info = lastFinished(run.events).info;
      expect(info).toMatchObject({ total: 0, completed: 0, failed: 0, concurrent_peak: 0, duration_ms: 0, children: [] });
      expectBalanced(info);
    });
  });
});

describe("parallel() with an Observable of children", () => {
  it("parallel() starts children as the Observable emits them and finishes when it completes", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const a = marbleChild("a", cold("---a|"));
      const b = marbleChild("b", cold("   ---b|"));
      const c = marbleChild("c", cold("      ---c|"));
      const input = cold<Child<string>>("a--b--c|", { a, b, c });
      const asubs = "                   ^--!";
      const bsubs = "                   ---^--!";
      const csubs = "                   ------^--!";
      const expected = "                ---------(f|)";

      expectObservable(parallel(input, { max_concurrent: 5 }, { scheduler }).pipe(finishedOnly())).toBe(expected, {
        f: { outcome: "succeeded", results: ["a", "b", "c"] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      expectSubscriptions(input.subscriptions).toBe("^------!");
      flush();
    });
  });

  it("parallel() counts an Observable input's children as they arrive (total grows) and buffers the ones beyond the window", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      const a = marbleChild("a", cold("----a|"));
      const b = marbleChild("b", cold("----b|"));
      const c = marbleChild("c", cold("    -c|"));
      const input = cold<Child<string>>("(ab)c|", { a, b, c });
      const run = recordEvents(scheduler, parallel(input, { max_concurrent: 1 }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "succeeded:0@4", "started:1@4", "succeeded:1@8", "started:2@8", "succeeded:2@9", "finished@9", "complete@9"]);
      expect(run.events.map((e) => e.info.total)).toEqual([1, 1, 2, 2, 3, 3, 3]);
      expectSubscriptions(c.cold.subscriptions).toBe("--------^!");
    });
  });

  it("parallel() fails with reason input_error when the Observable of children errors, cancelling running children", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("------a|"));
      const input = cold<Child<string>>("a--#", { a }, new Error("feed broke"));
      expectObservable(parallel(input, {}, { scheduler }).pipe(finishedOnly())).toBe("---(f|)", {
        f: { outcome: "failed", reason: "input_error", message: "Could not read the list of children: feed broke", results: [null] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe("^--!");
    });
  });

  it("parallel() reports the children an Observable input emitted before failing synchronously at subscription", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      const a = marbleChild("a", cold("--a|"));
      const b = marbleChild("b", cold("--b|"));
      const input = new Observable<Child<string>>((subscriber) => {
        subscriber.next(a);
        subscriber.next(b);
        subscriber.error(new Error("feed broke"));
      });
      const run = recordEvents(scheduler, parallel(input, { max_concurrent: 1 }, { scheduler }));
      flush();
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.reason).toBe("input_error");
      // Both children were emitted, so both belong to the run: a had started, b had not.
      expect(finished.error.results).toEqual([null, null]);
      expect(finished.info.children!.map((r) => [r.name, r.status, r.attempts])).toEqual([
        ["a", "cancelled", 1],
        ["b", "cancelled", 0],
      ]);
      expectSubscriptions(a.cold.subscriptions).toBe("(^!)");
      expectSubscriptions(b.cold.subscriptions).toBe([]);
      expectBalanced(finished.info);
    });
  });

  it("parallel() runs none of the children a synchronous Observable input emits after the run stopped", () => {
    scheduler.run(({ cold, flush }) => {
      const late = marbleChild("late", cold("-x|"));
      const bad: Child<string> = { name: "bad", run: () => throwError(() => new Error("at once")) };
      const input = new Observable<Child<string>>((subscriber) => {
        subscriber.next(bad);
        subscriber.next(late);
        subscriber.next(late);
        subscriber.complete();
      });
      const run = recordEvents(scheduler, parallel(input, {}, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "failed:0@0", "finished@0", "complete@0"]);
      expect(late.cold.subscriptions).toEqual([]);
      expect(lastFinished(run.events).info).toMatchObject({ total: 1, errored: 1 });
    });
  });

  it("parallel() records children buffered from an Observable input but never started as cancelled with 0 attempts", () => {
    scheduler.run(({ cold, flush }) => {
      const a = marbleChild("a", cold("--#"));
      const b = marbleChild("b", cold("--b|"));
      const c = marbleChild("c", cold("--c|"));
      const run = recordEvents(scheduler, parallel(cold<Child<string>>("(abc)", { a, b, c }), { max_concurrent: 1 }, { scheduler }));
      flush();
      const finished = lastFinished(run.events);
      expect(finished.info.children!.map((r) => [r.name, r.status, r.attempts])).toEqual([
        ["a", "failed", 1],
        ["b", "cancelled", 0],
        ["c", "cancelled", 0],
      ]);
      expect(b.cold.subscriptions).toEqual([]);
      expectBalanced(finished.info);
    });
  });

  it("parallel() waits for an Observable input that has not completed, even when every child is done", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const a = marbleChild("a", cold("-a|"));
      const input = cold<Child<string>>("a-----|", { a });
      expectObservable(parallel(input, {}, { scheduler }).pipe(finishedOnly())).toBe("------(f|)", {
        f: { outcome: "succeeded", results: ["a"] },
      });
    });
  });

  it("parallel() over an Observable input that never completes is ended by its global_timeout", () => {
    scheduler.run(({ expectObservable }) => {
      expectObservable(parallel(NEVER, { global_timeout: 7 }, { scheduler }).pipe(finishedOnly())).toBe("-------(f|)", {
        f: { outcome: "failed", reason: "global_timeout", message: "Parallel execution timed out after 7ms (global_timeout)", results: [] },
      });
    });
  });
});
