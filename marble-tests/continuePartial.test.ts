/**
 * continue-partial: failures are collected (null in failed slots, `errors` entries) and the run
 * succeeds, unless `tolerated_failures` (a count or a percentage of the total) is exceeded: then
 * it fails like fail-fast, unsubscribing running siblings at that frame.
 */
import { throwError } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type Child, type ExecutionOptionsInput, parallel } from "../src/core/index.js";
import { finishedOnly, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const partial = (extra: Omit<ExecutionOptionsInput, "error_handling"> = {}): ExecutionOptionsInput => ({ error_handling: "continue-partial", ...extra });

describe("parallel() continue-partial", () => {
  it("parallel() under continue-partial succeeds with null in failed slots and one errors entry per failed child", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-a|"));
      const b = marbleChild("b", cold("--#", undefined, new Error("bad row")));
      const c = marbleChild("c", cold("----c|"));
      const run = recordEvents(scheduler, parallel([a, b, c], partial(), { scheduler }));
      flush();
      // b's failure leaves c running.
      expectSubscriptions(c.cold.subscriptions).toBe("^---!");
      const finished = lastFinished(run.events);
      if (finished.outcome !== "succeeded") throw new Error("expected a successful run");
      expect(finished.result.results).toEqual(["a", null, "c"]);
      expect(finished.result.errors).toEqual([{ index: 1, node: "b", status: "failed", error: "bad row", attempts: 1 }]);
      // The original error travels on a non-enumerable `cause` (JSON output stays small).
      const entry = finished.result.errors![0]!;
      expect(Object.keys(entry)).not.toContain("cause");
      expect((entry.cause as Error).message).toBe("bad row");
    });
  });

  it("parallel() describes errors that are not Error objects: strings as is, objects as JSON, the rest as text", () => {
    scheduler.run(({ cold, flush }) => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const errors = ["plain text", { code: 42 }, circular, undefined, 7];
      // A cold "#" with an undefined error value would throw the string "error": use throwError.
      const children: Child<string>[] = errors.map((error, i) =>
        error === undefined ? { name: `c${i}`, run: () => throwError(() => undefined) } : marbleChild(`c${i}`, cold("-#", undefined, error)),
      );
      const run = recordEvents(scheduler, parallel(children, partial(), { scheduler }));
      flush();
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && finished.result.errors!.map((e) => e.error)).toEqual([
        "plain text",
        '{"code":42}',
        "[object Object]",
        "undefined",
        "7",
      ]);
    });
  });

  it("parallel() under continue-partial has no errors field when every child succeeded", () => {
    scheduler.run(({ cold, flush }) => {
      const run = recordEvents(scheduler, parallel([marbleChild("a", cold("-a|"))], partial(), { scheduler }));
      flush();
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && Object.keys(finished.result)).toEqual(["results", "execution_info"]);
    });
  });

  it("parallel() fails once failures exceed a tolerated_failures count, unsubscribing running siblings at that frame", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-#"));
      const b = marbleChild("b", cold("---#"));
      const c = marbleChild("c", cold("-----c|"));
      const d = marbleChild("d", cold("--------d|"));
      const csubs = "                   ^--!";
      const dsubs = "                   ^--!";
      expectObservable(parallel([a, b, c, d], partial({ tolerated_failures: 1 }), { scheduler }).pipe(finishedOnly())).toBe("---(f|)", {
        f: {
          outcome: "failed",
          reason: "failure_budget_exceeded",
          message: "Failure budget exceeded: 2 of 4 children failed (tolerated_failures: 1)",
          results: [null, null, null, null],
        },
      });
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      expectSubscriptions(d.cold.subscriptions).toBe(dsubs);
    });
  });

  it("parallel() succeeds when failures reach but do not exceed the tolerated_failures count", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const children = [cold("-#"), cold("---#"), cold("-----c|")].map((c, i) => marbleChild(`c${i}`, c));
      expectObservable(parallel(children, partial({ tolerated_failures: 2 }), { scheduler }).pipe(finishedOnly())).toBe("-----(f|)", {
        f: {
          outcome: "succeeded",
          results: [null, null, "c"],
          errors: [
            { index: 0, status: "failed", error: "error", attempts: 1 },
            { index: 1, status: "failed", error: "error", attempts: 1 },
          ],
        },
      });
    });
  });

  it("parallel() takes a percentage tolerated_failures of the total: 25% of 4 tolerates 1, the 2nd failure stops the run", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      const children = [cold("-#"), cold("---#"), cold("-----c|"), cold("--------d|")].map((c, i) => marbleChild(`c${i}`, c));
      const run = recordEvents(scheduler, parallel(children, partial({ tolerated_failures: "25%" }), { scheduler }));
      flush();
      expect(run.labels.slice(-5)).toEqual(["failed:1@3", "cancelled:2@3", "cancelled:3@3", "finished@3", "complete@3"]);
      expectSubscriptions(children[3]!.cold.subscriptions).toBe("^--!");
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.message).toBe("Failure budget exceeded: 2 of 4 children failed (tolerated_failures: 25%)");
      expect(finished.error.child).toBeUndefined();
    });
  });

  it("parallel() with a percentage budget of 50% of 4 tolerates 2 failures", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const children = [cold("-#"), cold("---#"), cold("-----c|"), cold("--d|")].map((c, i) => marbleChild(`c${i}`, c));
      expectObservable(parallel(children, partial({ tolerated_failures: "50%" }), { scheduler }).pipe(finishedOnly())).toBe("-----(f|)", {
        f: {
          outcome: "succeeded",
          results: [null, null, "c", "d"],
          errors: [
            { index: 0, status: "failed", error: "error", attempts: 1 },
            { index: 1, status: "failed", error: "error", attempts: 1 },
          ],
        },
      });
    });
  });

  it("parallel() rounds a percentage budget down: 10% of 5 tolerates no failure, 20% of 5 tolerates one", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const make = () => [cold("-#"), cold("--a|"), cold("--b|"), cold("--c|"), cold("--d|")].map((c, i) => marbleChild(`c${i}`, c));
      expectObservable(parallel(make(), partial({ tolerated_failures: "10%" }), { scheduler }).pipe(finishedOnly())).toBe("-(f|)", {
        f: {
          outcome: "failed",
          reason: "failure_budget_exceeded",
          message: "Failure budget exceeded: 1 of 5 children failed (tolerated_failures: 10%)",
          results: [null, null, null, null, null],
        },
      });
      expectObservable(parallel(make(), partial({ tolerated_failures: "20%" }), { scheduler }).pipe(finishedOnly())).toBe("--(f|)", {
        f: { outcome: "succeeded", results: [null, "a", "b", "c", "d"], errors: [{ index: 0, status: "failed", error: "error", attempts: 1 }] },
      });
    });
  });

  it("parallel() counts timeouts against the failure budget", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const children = [cold("-----a|"), cold("--#"), cold("-c|")].map((c, i) => marbleChild(`c${i}`, c));
      expectObservable(parallel(children, partial({ timeout: 4, tolerated_failures: 1 }), { scheduler }).pipe(finishedOnly())).toBe("----(f|)", {
        f: {
          outcome: "failed",
          reason: "failure_budget_exceeded",
          message: "Failure budget exceeded: 2 of 3 children failed (tolerated_failures: 1)",
          results: [null, null, "c"],
        },
      });
    });
  });

  it("parallel() with tolerated_failures 0 fails on the first failure like fail-fast, cancelling running siblings", () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const a = marbleChild("a", cold("--#"));
      const b = marbleChild("b", cold("------b|"));
      const run = recordEvents(scheduler, parallel([a, b], partial({ tolerated_failures: 0 }), { scheduler }));
      flush();
      expectSubscriptions(b.cold.subscriptions).toBe("^-!");
      expect(lastFinished(run.events).info).toMatchObject({ errored: 1, cancelled: 1 });
    });
  });

  it("parallel() checks a percentage budget as soon as an Observable input completes, and stops running children then", () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      // The input's size is known once it completes (frame 2). 25% of 4 tolerates 1 failure;
      // the second failure, at 3, must stop c and d at once rather than after they finish.
      const a = marbleChild("a", cold("-#"));
      const b = marbleChild("b", cold(" --#"));
      const c = marbleChild("c", cold("  --------c|"));
      const d = marbleChild("d", cold("  --------d|"));
      const input = cold<Child<string>>("ab(cd|)", { a, b, c, d });
      const run = recordEvents(scheduler, parallel(input, partial({ tolerated_failures: "25%" }), { scheduler }));
      flush();
      expectSubscriptions(c.cold.subscriptions).toBe("--^!");
      expectSubscriptions(d.cold.subscriptions).toBe("--^!");
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.reason).toBe("failure_budget_exceeded");
      expect(finished.error.message).toBe("Failure budget exceeded: 2 of 4 children failed (tolerated_failures: 25%)");
      expect(run.labels.at(-2)).toBe("finished@3");
    });
  });

  it("parallel() checks a percentage budget of an input of unknown size at the end when the input outlives the children", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const a = marbleChild("a", cold("-#"));
      const b = marbleChild("b", cold("-b|"));
      const input = cold<Child<string>>("ab---|", { a, b });
      // 1 failure of 2 is above 25% (0 tolerated), known only at frame 5.
      expectObservable(parallel(input, partial({ tolerated_failures: "25%" }), { scheduler }).pipe(finishedOnly())).toBe("-----(f|)", {
        f: {
          outcome: "failed",
          reason: "failure_budget_exceeded",
          message: "Failure budget exceeded: 1 of 2 children failed (tolerated_failures: 25%)",
          results: [null, "b"],
        },
      });
    });
  });

  it("parallel() applies a count budget to an Observable input before its size is known", () => {
    scheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
      // c and a arrive at 0, b at 4 (the group takes frames 0-3); a fails at 1, b at 5.
      const c = marbleChild("c", cold("-------c|"));
      const a = marbleChild("a", cold("-#"));
      const b = marbleChild("b", cold("    -#"));
      const input = cold<Child<string>>("(ca)b-----|", { a, b, c });
      expectObservable(parallel(input, partial({ tolerated_failures: 1 }), { scheduler }).pipe(finishedOnly())).toBe("-----(f|)", {
        f: {
          outcome: "failed",
          reason: "failure_budget_exceeded",
          message: "Failure budget exceeded: 2 of 3 children failed (tolerated_failures: 1)",
          results: [null, null, null],
        },
      });
      expectSubscriptions(c.cold.subscriptions).toBe("^----!");
      expectSubscriptions(input.subscriptions).toBe("^----!");
    });
  });
});
