/**
 * The progress stream: live snapshots that balance, a final snapshot that always comes last and
 * balances with per-child records in virtual ms, sampled progress (`{ sample_ms }`) and `none`.
 */
import { TestScheduler } from "rxjs/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type Child, type ExecutionInfo, parallel } from "../src/core/index.js";
import { expectBalanced, lastFinished, marbleChild, recordEvents } from "./helpers.js";

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const liveBalance = (info: ExecutionInfo) => info.completed + info.failed + info.running + info.queued;

describe("parallel() progress events", () => {
  it("parallel() ends with a final snapshot that balances and records every child in virtual ms", () => {
    scheduler.run(({ cold, flush }) => {
      // max_concurrent 2, timeout 6, continue-partial:
      //   ok      ^--!            succeeded  0 -> 3
      //   broken  ^----!          failed     0 -> 5
      //   slow       ^-----!      timed out  3 -> 9
      //   last         ^-!        succeeded  5 -> 7
      const ok: Child<string> = { ...marbleChild("ok", cold("---o|")), runtime: "module" };
      const broken = marbleChild("broken", cold("-----#", undefined, new Error("exploded")));
      const slow = marbleChild("slow", cold("   ----------s|"));
      const last = marbleChild("last", cold("     --l|"));
      const options = { max_concurrent: 2, timeout: 6, error_handling: "continue-partial" } as const;
      const run = recordEvents(scheduler, parallel([ok, broken, slow, last], options, { scheduler }));
      flush();

      expect(run.labels).toEqual([
        "started:0@0",
        "started:1@0",
        "succeeded:0@3",
        "started:2@3",
        "failed:1@5",
        "started:3@5",
        "succeeded:3@7",
        "timed_out:2@9",
        "finished@9",
        "complete@9",
      ]);
      const finished = lastFinished(run.events);
      expect(finished.info).toEqual({
        total: 4,
        completed: 2,
        failed: 2,
        errored: 1,
        timed_out: 1,
        cancelled: 0,
        running: 0,
        queued: 0,
        retried: 0,
        late_settlements: 0,
        concurrent_peak: 2,
        duration_ms: 9,
        children: [
          { index: 0, name: "ok", runtime: "module", status: "succeeded", attempts: 1, start_ms: 0, duration_ms: 3 },
          { index: 1, name: "broken", status: "failed", attempts: 1, start_ms: 0, duration_ms: 5, error: "exploded" },
          { index: 2, name: "slow", status: "timed_out", attempts: 1, start_ms: 3, duration_ms: 6, error: "Node slow timed out after 6ms" },
          { index: 3, name: "last", status: "succeeded", attempts: 1, start_ms: 5, duration_ms: 2 },
        ],
      });
      expectBalanced(finished.info);
      expect(finished.outcome === "succeeded" && finished.result.execution_info).toBe(finished.info);
    });
  });

  it("parallel() attaches to every child event a live snapshot that balances (completed + failed + running + queued = total)", () => {
    scheduler.run(({ cold, flush }) => {
      const children = ["--a|", "----#", "-c|", "---d|", "-#", "-----f|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, { max_concurrent: 2, error_handling: "continue-partial" }, { scheduler }));
      flush();
      for (const event of run.events) {
        expect(event.info.total).toBe(6);
        expect(liveBalance(event.info)).toBe(6);
        expect(event.info.running).toBeLessThanOrEqual(2);
        expect(event.info.duration_ms).toBe(Number(run.labels[run.events.indexOf(event)]!.split("@")[1]));
      }
      // Snapshots are taken after the transition they describe.
      const firstStart = run.events[0]!;
      expect(firstStart.info).toMatchObject({ running: 1, queued: 5 });
      const firstSuccess = run.events.find((e) => e.type === "succeeded")!;
      expect(firstSuccess.info).toMatchObject({ completed: 1, running: 1 });
    });
  });

  it("parallel() emits the final snapshot last even when children are cancelled (fail-fast)", () => {
    scheduler.run(({ cold, flush }) => {
      const children = ["------a|", "--#", "------c|", "-d|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, { max_concurrent: 3 }, { scheduler }));
      flush();
      expect(run.labels.slice(-2)).toEqual(["finished@2", "complete@2"]);
      expect(run.events.filter((e) => e.type === "finished")).toHaveLength(1);
      const info = lastFinished(run.events).info;
      expectBalanced(info);
      expect(info).toMatchObject({ total: 4, completed: 0, errored: 1, cancelled: 3, failed: 4 });
    });
  });

  it("parallel() with progress { sample_ms } emits progress snapshots at the sample frames instead of child events, then finished", () => {
    scheduler.run(({ cold, flush }) => {
      const children = ["-----a|", "---------b|", "   -----------c|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, { max_concurrent: 2 }, { scheduler, progress: { sample_ms: 4 } }));
      flush();
      // a: 0 -> 5, b: 0 -> 9, c: 5 -> 16.
      expect(run.labels).toEqual(["progress@4", "progress@8", "progress@12", "finished@16", "complete@16"]);
      expect(run.events.slice(0, 3).map((e) => [e.info.completed, e.info.running, e.info.queued, e.info.duration_ms])).toEqual([
        [0, 2, 1, 4],
        [1, 2, 0, 8],
        [2, 1, 0, 12],
      ]);
      // Progress snapshots are light: per-child records only in the final one.
      expect(run.events[0]!.info.children).toBeUndefined();
      expectBalanced(lastFinished(run.events).info);
    });
  });

  it("parallel() with progress none emits only the finished event", () => {
    scheduler.run(({ cold, flush }) => {
      const children = ["--a|", "-#", "---c|"].map((m, i) => marbleChild(`c${i}`, cold(m)));
      const run = recordEvents(scheduler, parallel(children, { error_handling: "continue-partial" }, { scheduler, progress: "none" }));
      flush();
      expect(run.labels).toEqual(["finished@3", "complete@3"]);
      expect(lastFinished(run.events).info).toMatchObject({ completed: 2, errored: 1 });
    });
  });

  it("parallel() with total hint reports queued children of a lazy input before it is read", () => {
    scheduler.run(({ cold, flush }) => {
      const a = marbleChild("a", cold("--a|"));
      const b = marbleChild("b", cold("  --b|"));
      function* lazy() {
        yield a;
        yield b;
      }
      const run = recordEvents(scheduler, parallel(lazy(), { max_concurrent: 1 }, { scheduler, total: 2 }));
      flush();
      expect(run.events[0]!.info).toMatchObject({ total: 2, running: 1, queued: 1 });
      expect(lastFinished(run.events).info).toMatchObject({ total: 2, completed: 2 });
      // Without the hint a lazy input's total is what has been read so far.
      const unhinted = recordEvents(scheduler, parallel(lazy(), { max_concurrent: 1 }, { scheduler }));
      flush();
      expect(unhinted.events[0]!.info).toMatchObject({ total: 1, queued: 0 });
    });
  });

  it("parallel() merges the timings a child reports into its record", () => {
    scheduler.run(({ cold, flush }) => {
      const work = cold("---w|");
      const child: Child<string> = {
        name: "timed",
        run: (attempt) => {
          attempt.reportTiming({ startup_ms: 1, work_ms: 0 });
          attempt.reportTiming({ work_ms: 2 });
          return work;
        },
      };
      const run = recordEvents(scheduler, parallel([child, marbleChild("plain", cold("-p|"))], {}, { scheduler }));
      flush();
      const [timed, plain] = lastFinished(run.events).info.children!;
      expect(timed!.timing).toEqual({ startup_ms: 1, work_ms: 2 });
      expect(plain).not.toHaveProperty("timing");
    });
  });

  it("parallel() trims results to the real number of children when the total hint was too large", () => {
    scheduler.run(({ cold, flush }) => {
      const a = marbleChild("a", cold("-a|"));
      const run = recordEvents(scheduler, parallel(new Set([a]), {}, { scheduler, total: 5 }));
      flush();
      expect(run.events[0]!.info.total).toBe(5);
      const finished = lastFinished(run.events);
      expect(finished.outcome === "succeeded" && finished.result.results).toEqual(["a"]);
      expect(finished.info.total).toBe(1);
      expectBalanced(finished.info);
    });
  });
});
