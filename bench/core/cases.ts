/** What the orchestrator can ask a scenario process to run (shared by run.ts and the scenarios). */

/**
 * Scenario 1 contenders. The two `p-map+…` rows are floors, not competitors: p-map doing the
 * least the executor's contract demands per child (an AbortSignal per child, and with `timeout`
 * a timer per child), to show how much of the executor's cost those requirements explain.
 */
export const TRIVIAL_CONTENDERS = [
  "promise-all",
  "p-map",
  "p-map+AbortController",
  "p-map+AbortController+setTimeout",
  "rxjs-mergeMap",
  "executor",
  "executor+timeout",
  "executor+timeout+events",
  "executor+timeout+sampled",
] as const;
export type TrivialContender = (typeof TRIVIAL_CONTENDERS)[number];

/**
 * With `--baseline=<rev>`, these contenders also run on the executor as of that revision, side by
 * side with the rest: the rows a change to src/core must not slow down.
 */
export const BASELINE_CONTENDERS = ["executor", "executor+timeout+events"] as const satisfies readonly TrivialContender[];

/** The name under which `contender`'s baseline lane reports. */
export const onBaseline = (contender: TrivialContender): string => `${contender}@baseline`;

/** Timing: every contender in one process, side by side (interleaved.ts). */
export interface InterleavedArgs {
  readonly contenders: readonly TrivialContender[];
  readonly n: number;
  readonly concurrency: number;
  /** Untimed rounds of each contender, then timed rounds of all of them. */
  readonly warmup: number;
  readonly rounds: number;
  /** The built executor module (see build.ts). */
  readonly core: string;
  /** The built baseline executor, if any: {@link BASELINE_CONTENDERS} run on it too. */
  readonly baseline: string | null;
}

/** Memory and CPU profile: one contender in a process of its own (isolated.ts). */
export interface IsolatedArgs {
  readonly contender: TrivialContender;
  readonly n: number;
  readonly concurrency: number;
  /** Untimed rounds before the probed one, so it sees the code as the timed rounds do. */
  readonly warmup: number;
  readonly core: string;
  /** Rounds to run again under the CPU profiler (0: none). */
  readonly profile_rounds: number;
}

export const SLEEP_CONTENDERS = ["executor", "p-map"] as const;
export type SleepContender = (typeof SLEEP_CONTENDERS)[number];

export interface SleepArgs {
  readonly contender: SleepContender;
  readonly children: number;
  readonly sleep_ms: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly core: string;
}
