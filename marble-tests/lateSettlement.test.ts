/**
 * Late settlement: work that ignores unsubscription and reports through `attempt.late(...)`
 * after its child was stopped is counted in `late_settlements`, and never written into results.
 */
import { Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type Child, parallel } from "../src/core/index.js";
import { lastFinished, marbleChild, recordEvents, zombieChild } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe("parallel() late settlement", () => {
  it("parallel() counts a settlement that arrives after the child timed out and keeps the recorded timeout", () => {
    scheduler.run(({ cold, flush }) => {
      // max_concurrent 1, timeout 4: z times out at 4 and its work settles anyway at 6, while b
      // (4 -> 7) keeps the run going.
      const z = zombieChild(scheduler, "z", 6);
      const b = marbleChild("b", cold("    ---b|"));
      const run = recordEvents(scheduler, parallel<unknown>([z, b], { max_concurrent: 1, timeout: 4, error_handling: "continue-partial" }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "timed_out:0@4", "started:1@4", "late:0@6", "succeeded:1@7", "finished@7", "complete@7"]);
      const late = run.events[3]!;
      expect(late).toMatchObject({ type: "late", index: 0, name: "z", attempt: 1 });
      expect(late.info.late_settlements).toBe(1);
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && finished.result.results).toEqual([null, "b"]);
      expect(finished.info).toMatchObject({ late_settlements: 1, timed_out: 1, completed: 1 });
      expect(finished.info.children![0]).toMatchObject({ status: "timed_out", duration_ms: 4, error: "Node z timed out after 4ms" });
    });
  });

  it("parallel() counts a late error like a late value", () => {
    scheduler.run(({ cold, flush }) => {
      // max_concurrent 1, timeout 3: z times out at 3, its work fails anyway at 4, b runs 3 -> 5.
      const z = zombieChild(scheduler, "z", 4, "error");
      const b = marbleChild("b", cold("   --b|"));
      const run = recordEvents(scheduler, parallel<unknown>([z, b], { max_concurrent: 1, timeout: 3, error_handling: "continue-partial" }, { scheduler }));
      flush();
      expect(run.labels).toContain("late:0@4");
      expect(lastFinished(run.events).info.late_settlements).toBe(1);
    });
  });

  it("parallel() ignores a settlement that arrives after the run has finished", () => {
    scheduler.run(({ flush }) => {
      const z = zombieChild(scheduler, "z", 20);
      const run = recordEvents(scheduler, parallel<unknown>([z], { timeout: 3, error_handling: "continue-partial" }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "timed_out:0@3", "finished@3", "complete@3"]);
      expect(lastFinished(run.events).info.late_settlements).toBe(0);
    });
  });

  it("parallel() counts a late settlement of a timed-out attempt while the retry runs, and keeps the retry's value", () => {
    scheduler.run(({ cold, flush }) => {
      // Attempt 1 ignores its timeout (3) and settles late at 5; attempt 2 starts at 4 and gives r at 6.
      const retryValue = cold("    --r|");
      const child: Child<string> = {
        name: "a",
        run: (attempt) =>
          attempt.number === 1
            ? new Observable<string>(() => {
                scheduler.schedule(() => attempt.late("value"), 5);
              })
            : retryValue,
      };
      const run = recordEvents(scheduler, parallel([child], { timeout: 3, retry: { attempts: 2, delay_ms: 1 } }, { scheduler }));
      flush();
      expect(run.labels).toEqual(["started:0@0", "retrying:0@3", "started:0@4", "late:0@5", "succeeded:0@6", "finished@6", "complete@6"]);
      expect(run.events[3]).toMatchObject({ type: "late", attempt: 1 });
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && finished.result.results).toEqual(["r"]);
      expect(finished.info).toMatchObject({ late_settlements: 1, retried: 1 });
    });
  });

  it("parallel() emits no late event in progress mode none, but still counts the late settlement", () => {
    scheduler.run(({ cold, flush }) => {
      const z = zombieChild(scheduler, "z", 5);
      const b = marbleChild("b", cold("    --b|"));
      const options = { max_concurrent: 1, timeout: 4, error_handling: "continue-partial" } as const;
      const run = recordEvents(scheduler, parallel<unknown>([z, b], options, { scheduler, progress: "none" }));
      flush();
      expect(run.labels).toEqual(["finished@6", "complete@6"]);
      expect(lastFinished(run.events).info.late_settlements).toBe(1);
    });
  });
});
