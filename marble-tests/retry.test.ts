/**
 * Per-child retries: re-subscription frames follow the backoff schedule, `retrying` events carry
 * the delay, `retried` counts them, the slot is held during backoff, the timeout applies per
 * attempt, a later attempt can succeed, exhaustion fails the child with its attempts counted.
 */
import type { Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type Child, type ChildEvent, parallel } from "../src/core/index.js";
import { finishedOnly, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** A child that runs `perAttempt[n - 1]` on attempt n (the last one again if there are more attempts). */
function attemptsChild<T>(name: string, perAttempt: Observable<T>[]): Child<T> {
  return { name, run: (attempt) => perAttempt[Math.min(attempt.number, perAttempt.length) - 1]! };
}

const retryingEvents = (events: readonly { type: string }[]) => events.filter((e): e is ChildEvent => e.type === "retrying");

describe("parallel() per-child retry", () => {
  it("parallel() re-subscribes a failing child on the backoff schedule and fails it once attempts are exhausted", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // attempts 3, delay 2, factor 2: attempt 1 at 0 (fails at 1), +2 -> attempt 2 at 3 (fails
      // at 4), +4 -> attempt 3 at 8 (fails at 9), then the child has failed for good.
      const a = marbleChild("a", cold("-#", undefined, new Error("flaky")));
      const sibling = marbleChild("s", cold("-----s|"));
      const asubs = ["^!", "---^!", "--------^!"];
      const options = { retry: { attempts: 3, delay_ms: 2, backoff_factor: 2 } };
      const run = recordEvents(scheduler, parallel([a, sibling], options, { scheduler }));
      flush();

      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      // Retries are per child: the sibling that succeeded is not run again.
      expectSubscriptions(sibling.cold.subscriptions).toBe("^----!");
      expect(run.labels).toEqual([
        "started:0@0",
        "started:1@0",
        "retrying:0@1",
        "started:0@3",
        "retrying:0@4",
        "succeeded:1@5",
        "started:0@8",
        "failed:0@9",
        "finished@9",
        "complete@9",
      ]);
      expect(retryingEvents(run.events).map(({ attempt, delay_ms, error }) => ({ attempt, delay_ms, error }))).toEqual([
        { attempt: 1, delay_ms: 2, error: "flaky" },
        { attempt: 2, delay_ms: 4, error: "flaky" },
      ]);
      expect(run.events.filter((e) => e.type === "started" && e.index === 0).map((e) => (e as ChildEvent).attempt)).toEqual([1, 2, 3]);
      expect(a.attempts.map((at) => at.number)).toEqual([1, 2, 3]);

      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.message).toBe("Node a failed: flaky");
      expect(finished.error.errors[0]).toMatchObject({ index: 0, status: "failed", attempts: 3 });
      expect(finished.info).toMatchObject({ retried: 2, errored: 1, completed: 1 });
      expect(finished.info.children![0]).toMatchObject({ status: "failed", attempts: 3, start_ms: 0, duration_ms: 9 });
    });
  });

  it("parallel() succeeds with a later attempt's value, counting attempts and retries", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // Attempt 1 fails at 2, the retry starts at 3 and gives x at 6.
      const first = cold("--#");
      const second = cold("   ---x|");
      const run = recordEvents(scheduler, parallel([attemptsChild("a", [first, second])], { retry: { attempts: 3, delay_ms: 1 } }, { scheduler }));
      flush();
      expectSubscriptions(first.subscriptions).toBe("^-!");
      expectSubscriptions(second.subscriptions).toBe("---^--!");
      expect(run.labels).toEqual(["started:0@0", "retrying:0@2", "started:0@3", "succeeded:0@6", "finished@6", "complete@6"]);
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && finished.result).toMatchObject({ results: ["x"] });
      expect(finished.outcome === "succeeded" && "errors" in finished.result).toBe(false);
      expect(finished.info).toMatchObject({ completed: 1, failed: 0, retried: 1 });
      expect(finished.info.children![0]).toEqual({ index: 0, name: "a", status: "succeeded", attempts: 2, start_ms: 0, duration_ms: 6 });
    });
  });

  it("parallel() keeps a child's slot while it waits out its backoff (max_concurrent 1)", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // a fails at 1, waits 5 (holding the only slot), succeeds at 7; only then does b start.
      const first = cold("-#");
      const second = cold("      -f|");
      const b = marbleChild("b", cold("       -b|"));
      const bsubs = "                   -------^!";
      const run = recordEvents(scheduler, parallel([attemptsChild("a", [first, second]), b], { max_concurrent: 1, retry: { attempts: 2, delay_ms: 5 } }, { scheduler }));
      flush();
      expectSubscriptions(first.subscriptions).toBe("^!");
      expectSubscriptions(second.subscriptions).toBe("------^!");
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      const retrying = retryingEvents(run.events)[0]!;
      // During the backoff the child still counts as running, and b as queued.
      expect(retrying.info).toMatchObject({ running: 1, queued: 1, retried: 1 });
      expect(lastFinished(run.events).info.concurrent_peak).toBe(1);
    });
  });

  it("parallel() applies the timeout to each attempt and reports timed_out once retries are exhausted", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // timeout 3, attempts 2, delay 1: cut at 3, retried at 4, cut again at 7.
      const a = marbleChild("a", cold("-----a|"));
      const asubs = ["^--!", "----^--!"];
      const options = { timeout: 3, retry: { attempts: 2, delay_ms: 1 }, error_handling: "continue-partial" } as const;
      expectObservable(parallel([a], options, { scheduler }).pipe(finishedOnly())).toBe("-------(f|)", {
        f: { outcome: "succeeded", results: [null], errors: [{ index: 0, status: "timed_out", error: "Node a timed out after 3ms", attempts: 2 }] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
    });
  });

  it("parallel() retries a timed-out attempt and takes the value of a faster retry", () => {
    scheduler.run(({ cold, flush }) => {
      const run = recordEvents(
        scheduler,
        parallel([attemptsChild("a", [cold("------a|"), cold("-b|")])], { timeout: 3, retry: { attempts: 2, delay_ms: 2 } }, { scheduler }),
      );
      flush();
      expect(run.labels).toEqual(["started:0@0", "retrying:0@3", "started:0@5", "succeeded:0@6", "finished@6", "complete@6"]);
      expect(retryingEvents(run.events)[0]!.error).toBe("Node a timed out after 3ms");
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && finished.result.results).toEqual(["b"]);
      expect(finished.info).toMatchObject({ timed_out: 0, completed: 1, retried: 1 });
    });
  });

  it("parallel() caps the backoff at max_delay_ms and applies jitter from the injected random source", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // delay 4, factor 3, cap 10, jitter 0.5 with random 0.5 (-25%): 3, then 10*0.75 -> 8, 8.
      const a = marbleChild("a", cold("-#"));
      const retry = { attempts: 4, delay_ms: 4, backoff_factor: 3, max_delay_ms: 10, jitter: 0.5 };
      const run = recordEvents(scheduler, parallel([a], { retry }, { scheduler, random: () => 0.5 }));
      flush();
      expect(retryingEvents(run.events).map((e) => e.delay_ms)).toEqual([3, 8, 8]);
      expectSubscriptions(a.cold.subscriptions).toBe(["^!", "----^!", "-------------^!", "----------------------^!"]);
    });
  });

  it("parallel() re-subscribes at the same frame with delay_ms 0", () => {
    scheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
      const a = marbleChild("a", cold("-#"));
      expectObservable(parallel([a], { retry: { attempts: 2, delay_ms: 0 } }, { scheduler }).pipe(finishedOnly())).toBe("--(f|)", {
        f: { outcome: "failed", reason: "child_failed", message: "Node a failed: error", results: [null] },
      });
      expectSubscriptions(a.cold.subscriptions).toBe(["^!", "-^!"]);
    });
  });

  it("parallel() global_timeout during a backoff cancels the child without another attempt", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-#"));
      const run = recordEvents(scheduler, parallel([a], { global_timeout: 5, retry: { attempts: 3, delay_ms: 10 } }, { scheduler }));
      flush();
      expectSubscriptions(a.cold.subscriptions).toBe(["^!"]);
      expect(run.labels).toEqual(["started:0@0", "retrying:0@1", "cancelled:0@5", "finished@5", "complete@5"]);
      expect(lastFinished(run.events).info.children![0]).toMatchObject({ status: "cancelled", attempts: 1, duration_ms: 5 });
    });
  });
});
