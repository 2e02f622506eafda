/**
 * The trivial-children contenders (scenario 1), defined once for the two scripts that run them:
 * interleaved.ts (time, every contender side by side) and trivial.ts (memory and CPU profile, one
 * contender per process). Every contender calls the same `work(i)`: an async function that awaits
 * one resolved promise. Inputs (indices, or child descriptors for the executor) are prepared when
 * the contender is, before any clock starts.
 */
import pMap from "p-map";
import { from, lastValueFrom, mergeMap, toArray } from "rxjs";
import type { TrivialContender } from "./cases.js";
import type { HeapProbe } from "./measure.js";

export type Core = typeof import("../../src/core/index.js");

/** One contender, ready to run rounds, and what its last round reported. */
export interface TrivialRun {
  /** One run over all `n` children; throws if the result is wrong. */
  readonly round: () => Promise<void>;
  /** When set, `work` and the end of each round sample the heap (the untimed memory round only). */
  probe: HeapProbe | undefined;
  /** Progress events received since the last reset (the executor with `onEvent`). */
  events: number;
  lastCompleted: number;
  /** The executor's `execution_info.concurrent_peak` of the last round. */
  lastPeak: number;
}

const RESOLVED = Promise.resolve();
const onTimeout = () => {
  throw new Error("a 60 s timer fired in a sub-second benchmark");
};

/** Builds `contender`'s input for `n` children and the round that runs them at `concurrency`. */
export function trivialContender(core: Core, contender: TrivialContender, n: number, concurrency: number): TrivialRun {
  const run: Omit<TrivialRun, "round"> = { probe: undefined, events: 0, lastCompleted: 0, lastPeak: 0 };
  async function work(i: number): Promise<number> {
    run.probe?.tick();
    await RESOLVED;
    return i;
  }
  const check = (length: number) => {
    run.probe?.sample();
    if (length !== n) throw new Error(`${contender} returned a wrong result`);
  };
  const indices = Array.from({ length: n }, (_, i) => i);
  // What a progress consumer does with each event: trivial bookkeeping.
  const onEvent = (event: { info: { completed: number } }) => {
    run.events++;
    run.lastCompleted = event.info.completed;
  };
  const executor = (options: Parameters<Core["executeParallel"]>[1], progress: Parameters<Core["executeParallel"]>[2]) => {
    const children = indices.map((i) => core.asyncChild(`child-${i}`, () => work(i)));
    return async () => {
      const { results, execution_info } = await core.executeParallel(children, options, progress).result;
      check(results.length);
      if (execution_info.completed !== n) throw new Error(`${contender} reported ${execution_info.completed} children completed`);
      run.lastPeak = execution_info.concurrent_peak;
    };
  };
  // The floors create each child's signal (Node creates it lazily, on the first `.signal` read, and
  // the executor hands it to the child) and keep it reachable, as a running child's is.
  const live: AbortSignal[] = [];
  const timeout = { max_concurrent: concurrency, timeout: 60_000 };
  const rounds: Record<TrivialContender, () => () => Promise<void>> = {
    "promise-all": () => async () => check((await Promise.all(indices.map(work))).length),
    "p-map": () => async () => check((await pMap(indices, work, { concurrency })).length),
    "p-map+AbortController": () => async () => {
      const out = await pMap(
        indices,
        (i) => {
          live[i & 15] = new AbortController().signal;
          return work(i);
        },
        { concurrency },
      );
      check(out.length);
    },
    "p-map+AbortController+setTimeout": () => async () => {
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
      check(out.length);
    },
    "rxjs-mergeMap": () => async () => check((await lastValueFrom(from(indices).pipe(mergeMap((i) => from(work(i)), concurrency), toArray()))).length),
    executor: () => executor({ max_concurrent: concurrency }, { progress: "none" }),
    "executor+timeout": () => executor(timeout, { progress: "none" }),
    "executor+timeout+events": () => executor(timeout, { progress: "events", onEvent }),
    "executor+timeout+sampled": () => executor(timeout, { progress: { sample_ms: 100 }, onEvent }),
  };
  return Object.assign(run, { round: rounds[contender]() });
}
