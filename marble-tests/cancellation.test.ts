/**
 * Cancellation from outside: the `signal` run option (aborted during the run or before it) and
 * unsubscribing from the run. Both end every running child's subscription at that frame.
 */
import { getEventListeners } from "node:events";
import { of, take } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type Child, parallel } from "../src/core/index.js";
import { eventLabel, expectBalanced, finishedOnly, labelsOf, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe("parallel() cancellation by signal", () => {
  it("parallel() cancels running children when the signal aborts, records queued ones as not started, and fails with reason cancelled", () => {
    scheduler.run(({ cold, flush, expectSubscriptions }) => {
      // max_concurrent 2: a 0 -> 2, c takes its slot at 2; abort at 5.
      const a = marbleChild("a", cold("--a|"));
      const b = marbleChild("b", cold("--------b|"));
      const c = marbleChild("c", cold("  --------c|"));
      const d = marbleChild("d", cold("-d|"));
      const bsubs = "                   ^----!";
      const csubs = "                   --^--!";
      const controller = new AbortController();
      scheduler.schedule(() => controller.abort(new Error("user left")), 5);
      const run = recordEvents(scheduler, parallel([a, b, c, d], { max_concurrent: 2 }, { scheduler, signal: controller.signal }));
      flush();

      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      expectSubscriptions(c.cold.subscriptions).toBe(csubs);
      expectSubscriptions(d.cold.subscriptions).toBe([]);
      expect(run.labels.slice(-4)).toEqual(["cancelled:1@5", "cancelled:2@5", "finished@5", "complete@5"]);
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.reason).toBe("cancelled");
      expect(finished.error.message).toBe("Parallel execution cancelled: user left");
      expect((finished.error.cause as Error).message).toBe("user left");
      expect(finished.error.results).toEqual(["a", null, null, null]);
      expect(finished.info.children!.map((r) => [r.status, r.attempts])).toEqual([
        ["succeeded", 1],
        ["cancelled", 1],
        ["cancelled", 1],
        ["cancelled", 0],
      ]);
      expectBalanced(finished.info);
      // The run removed its abort listener.
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });
  });

  it("parallel() with an already aborted signal starts no child and records every child as not started", () => {
    scheduler.run(({ cold, flush }) => {
      const children = ["-a|", "-b|", "-c|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, {}, { scheduler, signal: AbortSignal.abort("too late") }));
      flush();
      expect(run.labels).toEqual(["finished@0", "complete@0"]);
      for (const child of children) expect(child.cold.subscriptions).toEqual([]);
      const finished = lastFinished(run.events);
      if (finished.outcome !== "failed") throw new Error("expected a failed run");
      expect(finished.error.message).toBe("Parallel execution cancelled: too late");
      expect(finished.error.results).toEqual([null, null, null]);
      expect(finished.info).toMatchObject({ total: 3, cancelled: 3, failed: 3, concurrent_peak: 0 });
      expect(finished.error.errors.map((e) => [e.node, e.status, e.attempts, e.error])).toEqual([
        ["c0", "cancelled", 0, "Node c0 was not started: Parallel execution cancelled: too late"],
        ["c1", "cancelled", 0, "Node c1 was not started: Parallel execution cancelled: too late"],
        ["c2", "cancelled", 0, "Node c2 was not started: Parallel execution cancelled: too late"],
      ]);
      expectBalanced(finished.info);
    });
  });

  it("parallel() ignores the signal once the run has finished and leaves no listener on it", () => {
    scheduler.run(({ cold, flush }) => {
      const controller = new AbortController();
      const run = recordEvents(scheduler, parallel([marbleChild("a", cold("-a|"))], {}, { scheduler, signal: controller.signal }));
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      flush();
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      controller.abort();
      expect(run.labels).toEqual(["started:0@0", "succeeded:0@1", "finished@1", "complete@1"]);
    });
  });
});

describe("parallel() cancellation by signal, edge cases", () => {
  it("parallel() with an already aborted signal never subscribes an Observable input (its children are unknown)", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-a|"));
      const input = cold<Child<string>>("a|", { a });
      expectObservable(parallel(input, {}, { scheduler, signal: AbortSignal.abort("no") }).pipe(finishedOnly())).toBe("(f|)", {
        f: { outcome: "failed", reason: "cancelled", message: "Parallel execution cancelled: no", results: [] },
      });
      expectSubscriptions(input.subscriptions).toBe([]);
    });
  });

  it("parallel() keeps the first stop cause when the signal aborts while the run is already stopping", () => {
    scheduler.run(({ cold, flush }) => {
      // The global timeout stops the run at 4; a consumer aborts the signal while handling the
      // resulting `cancelled` event. The run must end once, for the global timeout.
      const controller = new AbortController();
      const a = marbleChild("a", cold("--------a|"));
      const labels: string[] = [];
      let finishedEvents = 0;
      parallel([a], { global_timeout: 4 }, { scheduler, signal: controller.signal }).subscribe((event) => {
        labels.push(event.type);
        if (event.type === "cancelled") controller.abort("impatient");
        if (event.type === "finished") {
          finishedEvents++;
          expect(event.outcome === "failed" && event.error.reason).toBe("global_timeout");
        }
      });
      flush();
      expect(labels).toEqual(["started", "cancelled", "finished"]);
      expect(finishedEvents).toBe(1);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });
  });

  it("parallel() names a cancellation whose signal carries no reason (signal polyfills)", () => {
    scheduler.run(({ cold, expectObservable }) => {
      // A minimal AbortSignal look-alike: some polyfills leave `reason` undefined.
      const target = new EventTarget();
      const signal = Object.assign(target, { aborted: false, reason: undefined }) as unknown as AbortSignal;
      scheduler.schedule(() => target.dispatchEvent(new Event("abort")), 2);
      expectObservable(parallel([marbleChild("a", cold("-----a|"))], {}, { scheduler, signal }).pipe(finishedOnly())).toBe("--(f|)", {
        f: { outcome: "failed", reason: "cancelled", message: "Parallel execution cancelled", results: [null] },
      });
    });
  });
});

describe("parallel() cancellation by unsubscription", () => {
  it("parallel() unsubscribes an Observable input when the run is unsubscribed", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("------a|"));
      const input = cold<Child<string>>("a-------a|", { a });
      expectObservable(parallel(input, {}, { scheduler }).pipe(finishedOnly()), "^---!").toBe("----");
      expectSubscriptions(input.subscriptions).toBe("^---!");
      expectSubscriptions(a.cold.subscriptions).toBe("^---!");
    });
  });

  it("parallel() unsubscribes every running child when the run is unsubscribed, and starts no more", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("--------a|"));
      const b = marbleChild("b", cold("-----------b|"));
      const c = marbleChild("c", cold("-c|"));
      const unsub = "                  ^----!";
      const asubs = "                  ^----!";
      const bsubs = "                  ^----!";
      // No finished event: nobody is listening any more.
      expectObservable(parallel([a, b, c], { max_concurrent: 2 }, { scheduler }).pipe(finishedOnly()), unsub).toBe("------");
      expectSubscriptions(a.cold.subscriptions).toBe(asubs);
      expectSubscriptions(b.cold.subscriptions).toBe(bsubs);
      expectSubscriptions(c.cold.subscriptions).toBe([]);
    });
  });

  it("parallel() unsubscribed during a retry backoff never re-subscribes the child", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = marbleChild("a", cold("-#"));
      const unsub = "                  ^---!";
      expectObservable(parallel([a], { retry: { attempts: 2, delay_ms: 6 } }, { scheduler }).pipe(labelsOf("started", "retrying")), unsub).toBe("sr---", {
        s: "started:0",
        r: "retrying:0",
      });
      expectSubscriptions(a.cold.subscriptions).toBe(["^!"]);
    });
  });

  it("parallel() unsubscribed stops the sampled progress timer and removes its signal listener", () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const controller = new AbortController();
      const a = marbleChild("a", cold("----------a|"));
      let listenersAt6: number | undefined;
      scheduler.schedule(() => {
        listenersAt6 = getEventListeners(controller.signal, "abort").length;
      }, 6);
      expectObservable(parallel([a], {}, { scheduler, signal: controller.signal, progress: { sample_ms: 2 } }).pipe(labelsOf("progress")), "^----!").toBe(
        "--p-p-",
        { p: "progress" },
      );
      flush();
      expect(listenersAt6).toBe(0);
    });
  });
});

describe("parallel() unsubscribed while it is still starting", () => {
  it("parallel() starts no further child once the consumer unsubscribes during the first synchronous children", () => {
    let runs = 0;
    const children = Array.from({ length: 1000 }, (_, i): Child<number> => ({
      name: `n${i}`,
      run: () => {
        runs++;
        return of(i);
      },
    }));
    const seen: string[] = [];
    parallel(children, { max_concurrent: 4 })
      .pipe(take(3))
      .subscribe((event) => seen.push(eventLabel(event)));
    expect(seen).toEqual(["started:0", "succeeded:0", "started:1"]);
    // The consumer left on child 1's `started` event, which comes just before its run() is
    // called: child 1 still runs, nothing after it does (it used to run all 1000).
    expect(runs).toBe(2);
  });

  it("parallel() unsubscribes the children it had started when the consumer leaves during the initial subscription", () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const children = ["---a|", "---b|", "---c|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const seen: string[] = [];
      parallel(children, { max_concurrent: 3 }, { scheduler })
        .pipe(take(1))
        .subscribe((event) => seen.push(eventLabel(event)));
      flush();
      expect(seen).toEqual(["started:0"]);
      expectSubscriptions(children[0]!.cold.subscriptions).toBe("(^!)");
      expectSubscriptions(children[1]!.cold.subscriptions).toBe([]);
      expectSubscriptions(children[2]!.cold.subscriptions).toBe([]);
    });
  });
});
