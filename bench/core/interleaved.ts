/**
 * Scenario 1, time: every trivial-children contender at one size, side by side in this one
 * `node --expose-gc` process. Each timed round runs every contender once, back to back, in a fresh
 * random order, so load from other processes on a shared machine falls on all of them alike and no
 * contender always follows the same one; a ratio is then taken within each round.
 *
 * Each contender runs in a worker thread of its own (its own V8 isolate), and the main thread runs
 * one at a time. In a single isolate, one contender's garbage would be collected during whichever
 * contender allocates next, and contenders sharing library code (rxjs in the executor and the bare
 * pipeline, p-map in its floors) would share its inline caches: each would be measured with part of
 * the others' cost. An isolate per contender keeps what a process per contender kept apart, and
 * only that.
 */
import { once } from "node:events";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { BASELINE_CONTENDERS, type InterleavedArgs, onBaseline, type TrivialContender } from "./cases.js";
import { type Core, trivialContender } from "./contenders.js";
import { caseArgs, collect, report, type RoundTime, type Timings, timeRound } from "./measure.js";

interface Lane {
  /** The name its timings are reported under. */
  readonly label: string;
  readonly contender: TrivialContender;
  readonly n: number;
  readonly concurrency: number;
  readonly core: string;
}

if (isMainThread) await runLanes(caseArgs<InterleavedArgs>());
else await serveLane(workerData as Lane);

/** Main thread: starts a worker per contender, then asks them for rounds one at a time. */
async function runLanes(args: InterleavedArgs): Promise<void> {
  const { n, concurrency, core, baseline } = args;
  const specs: Lane[] = [
    ...args.contenders.map((contender) => ({ label: contender, contender, n, concurrency, core })),
    ...(baseline === null ? [] : BASELINE_CONTENDERS.map((contender) => ({ label: onBaseline(contender), contender, n, concurrency, core: baseline }))),
  ];
  const lanes = await Promise.all(
    specs.map(async (spec) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: spec });
      await once(worker, "message");
      return { label: spec.label, worker };
    }),
  );
  /** Runs one round in `lane`'s worker and returns its wall and CPU time (measured there). */
  const roundIn = async (lane: (typeof lanes)[number]) => {
    lane.worker.postMessage("round");
    const [time] = (await once(lane.worker, "message")) as [RoundTime];
    return time;
  };
  for (let i = 0; i < args.warmup; i++) for (const lane of shuffled(lanes)) await roundIn(lane);
  const timings: Record<string, Timings> = Object.fromEntries(lanes.map((lane) => [lane.label, { wall: [], cpu: [] }]));
  for (let r = 0; r < args.rounds; r++) {
    for (const lane of shuffled(lanes)) {
      const { wall, cpu } = await roundIn(lane);
      timings[lane.label]!.wall.push(wall);
      timings[lane.label]!.cpu.push(cpu);
    }
  }
  await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  report({ params: { n, concurrency }, warmup: args.warmup, timings });
}

/**
 * Worker thread: prepares its contender, then runs and times one round per message. The CPU time
 * is the whole process's, which is this thread's and V8's helper threads': the others are idle.
 */
async function serveLane(lane: Lane): Promise<void> {
  const core = (await import(pathToFileURL(lane.core).href)) as Core;
  const run = trivialContender(core, lane.contender, lane.n, lane.concurrency);
  // One full GC before the first round and none after, as in measure(): see why there.
  collect();
  parentPort!.on("message", async () => parentPort!.postMessage(await timeRound(run.round)));
  parentPort!.postMessage("ready");
}

/** A copy of `items` in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
