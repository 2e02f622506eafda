/**
 * Scenario 1, memory: one contender at one size in a process of its own, because a heap peak and
 * the RSS high-water mark are figures of a whole isolate and process. After a few untimed rounds
 * (and, if asked, some under the CPU profiler), one more round runs with the heap probe on. Time
 * is measured elsewhere, side by side (interleaved.ts).
 */
import { pathToFileURL } from "node:url";
import type { IsolatedArgs } from "./cases.js";
import { type Core, trivialContender } from "./contenders.js";
import { caseArgs, collect, HeapProbe, maxRssBytes, report } from "./measure.js";
import { profileRounds } from "./profile.js";

const args = caseArgs<IsolatedArgs>();
const { n, concurrency } = args;
const core = (await import(pathToFileURL(args.core).href)) as Core;

collect();
const heapBeforeInput = process.memoryUsage().heapUsed;
const run = trivialContender(core, args.contender, n, concurrency);
collect();
const inputHeap = process.memoryUsage().heapUsed - heapBeforeInput;

for (let i = 0; i < args.warmup; i++) await run.round();
// Profiled rounds follow the warm-up directly: the heap probe's forced GC would de-optimize code.
const profile = args.profile_rounds > 0 ? await profileRounds(args.profile_rounds, run.round) : undefined;

// About 100 samples from inside `work`, and one as the round gets its result (while it is alive).
const probe = new HeapProbe(Math.max(1, Math.floor(n / 100)));
run.probe = probe;
probe.reset();
run.events = 0;
await run.round();
run.probe = undefined;

report({
  contender: args.contender,
  params: { n, concurrency },
  heap_peak_bytes: probe.growth,
  input_heap_bytes: inputHeap,
  max_rss_bytes: maxRssBytes(),
  extra: {
    ...(args.contender.startsWith("executor") ? { events_per_round: run.events, last_completed: run.lastCompleted, concurrent_peak: run.lastPeak } : {}),
    ...(profile ? { profile } : {}),
  },
});
