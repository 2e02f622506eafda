/**
 * Scenario 1, one contender at one size per process: N trivial async children at concurrency 16.
 * Every contender calls the same `work(i)`: an async function that awaits one resolved promise.
 * Inputs (indices, or child descriptors for the executor) are prepared before the clock starts.
 */
import { pathToFileURL } from "node:url";
import pMap from "p-map";
import { from, lastValueFrom, mergeMap, toArray } from "rxjs";
import type { TrivialArgs, TrivialContender } from "./cases.js";
import { caseArgs, collect, HeapProbe, maxRssBytes, measure, report } from "./measure.js";
import { profileRounds } from "./profile.js";

type Core = typeof import("../../src/core/index.js");

const args = caseArgs<TrivialArgs>();
const { n, concurrency } = args;
const core = (await import(pathToFileURL(args.core).href)) as Core;

const RESOLVED = Promise.resolve();
let probe: HeapProbe | undefined;
/** The one child function every contender runs. */
async function work(i: number): Promise<number> {
  probe?.tick();
  await RESOLVED;
  return i;
}

collect();
const heapBeforeInput = process.memoryUsage().heapUsed;
const indices = Array.from({ length: n }, (_, i) => i);
const isExecutor = args.contender.startsWith("executor");
const children = isExecutor ? indices.map((i) => core.asyncChild(`child-${i}`, () => work(i))) : [];
collect();
const inputHeap = process.memoryUsage().heapUsed - heapBeforeInput;

// What a progress consumer does with each event: trivial bookkeeping.
let events = 0;
let lastCompleted = 0;
const onEvent = (event: { info: { completed: number } }) => {
  events++;
  lastCompleted = event.info.completed;
};

const executorRun = (options: Parameters<Core["executeParallel"]>[1], run: Parameters<Core["executeParallel"]>[2]) => async () => {
  const { results, execution_info } = await core.executeParallel(children, options, run).result;
  probe?.sample();
  if (results.length !== n || execution_info.completed !== n) throw new Error("executor returned a wrong result");
  lastPeak = execution_info.concurrent_peak;
};
let lastPeak = 0;
// The floors create each child's signal (Node creates it lazily, on the first `.signal` read, and
// the executor hands it to the child) and keep it reachable, as a running child's is.
const live: AbortSignal[] = [];
const onTimeout = () => {
  throw new Error("a 60 s timer fired in a sub-second benchmark");
};

const contenders: Record<TrivialContender, () => Promise<void>> = {
  "promise-all": async () => {
    const out = await Promise.all(indices.map(work));
    probe?.sample();
    if (out.length !== n) throw new Error("wrong result");
  },
  "p-map": async () => {
    const out = await pMap(indices, work, { concurrency });
    probe?.sample();
    if (out.length !== n) throw new Error("wrong result");
  },
  "p-map+AbortController": async () => {
    const out = await pMap(
      indices,
      (i) => {
        live[i & 15] = new AbortController().signal;
        return work(i);
      },
      { concurrency },
    );
    probe?.sample();
    if (out.length !== n) throw new Error("wrong result");
  },
  "p-map+AbortController+setTimeout": async () => {
    const out = await pMap(
      indices,
      (i) => {
        live[i & 15] = new AbortController().signal;
        const timer = setTimeout(onTimeout, 60_000);
        return work(i).then((value) => {
          clearTimeout(timer);
          return value;
        });
      },
      { concurrency },
    );
    probe?.sample();
    if (out.length !== n) throw new Error("wrong result");
  },
  "rxjs-mergeMap": async () => {
    const out = await lastValueFrom(from(indices).pipe(mergeMap((i) => from(work(i)), concurrency), toArray()));
    probe?.sample();
    if (out.length !== n) throw new Error("wrong result");
  },
  executor: executorRun({ max_concurrent: concurrency }, { progress: "none" }),
  "executor+timeout": executorRun({ max_concurrent: concurrency, timeout: 60_000 }, { progress: "none" }),
  "executor+timeout+events": executorRun({ max_concurrent: concurrency, timeout: 60_000 }, { progress: "events", onEvent }),
  "executor+timeout+sampled": executorRun({ max_concurrent: concurrency, timeout: 60_000 }, { progress: { sample_ms: 100 }, onEvent }),
};
const round = contenders[args.contender];

collect();
const baseRss = process.memoryUsage().rss;
const timings = await measure(args.warmup, args.rounds, round);

// Profiled rounds follow the timed ones directly: the heap probe's forced GC would de-optimize code.
const profile = args.profile_rounds > 0 ? await profileRounds(args.profile_rounds, round) : undefined;

// One more, untimed round with the heap probe on: about 100 samples from inside `work`, and one
// as each round gets its result (while the result is still alive).
const heapProbe = new HeapProbe(Math.max(1, Math.floor(n / 100)));
probe = heapProbe;
probe.reset();
events = 0;
await round();
probe = undefined;
const eventsPerRound = events;

report({
  scenario: "trivial",
  contender: args.contender,
  params: { n, concurrency },
  times_ms: timings.wall,
  cpu_ms: timings.cpu,
  heap_peak_bytes: heapProbe.growth,
  input_heap_bytes: inputHeap,
  max_rss_bytes: maxRssBytes(),
  base_rss_bytes: baseRss,
  extra: {
    ...(isExecutor ? { events_per_round: eventsPerRound, last_completed: lastCompleted, concurrent_peak: lastPeak } : {}),
    ...(profile ? { profile } : {}),
  },
});
