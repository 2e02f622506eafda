/**
 * Scenario 2, one concurrency per process: 20 children that each sleep 50 ms on a real timer
 * (cancelled when their AbortSignal fires). The executor runs with its defaults apart from
 * `max_concurrent` (so progress events are on); p-map runs the same sleep as a reference for
 * what the timers of this machine allow.
 */
import { pathToFileURL } from "node:url";
import pMap from "p-map";
import type { SleepArgs, SleepContender } from "./cases.js";
import { caseArgs, maxRssBytes, measure, report } from "./measure.js";

type Core = typeof import("../../src/core/index.js");

const args = caseArgs<SleepArgs>();
const core = (await import(pathToFileURL(args.core).href)) as Core;

/** Resolves after `ms`; rejects at once, clearing the timer, if `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const indices = Array.from({ length: args.children }, (_, i) => i);
const children = indices.map((i) => core.asyncChild(`sleeper-${i}`, (signal) => sleep(args.sleep_ms, signal).then(() => i)));
const peaks: number[] = [];

const rounds: Record<SleepContender, () => Promise<void>> = {
  executor: async () => {
    const { results, execution_info } = await core.executeParallel(children, { max_concurrent: args.concurrency }).result;
    if (results.length !== args.children) throw new Error("wrong result");
    peaks.push(execution_info.concurrent_peak);
  },
  "p-map": async () => {
    await pMap(indices, () => sleep(args.sleep_ms), { concurrency: args.concurrency });
  },
};

const timings = await measure(args.warmup, args.rounds, rounds[args.contender]);

report({
  scenario: "sleep",
  contender: args.contender,
  params: { children: args.children, sleep_ms: args.sleep_ms, concurrency: args.concurrency },
  times_ms: timings.wall,
  cpu_ms: timings.cpu,
  max_rss_bytes: maxRssBytes(),
  extra: args.contender === "executor" ? { concurrent_peaks: peaks } : {},
});
