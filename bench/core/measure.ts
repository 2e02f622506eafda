/**
 * The tiny measuring kit shared by the scenario processes: timed rounds after a forced GC, a
 * heap probe, the process's peak RSS, and the result lines the processes print.
 */
import v8 from "node:v8";

const gc = (globalThis as { gc?: () => void }).gc;

/** Full GC twice (the second one collects what the first one's finalizers freed). */
export function collect(): void {
  if (!gc) throw new Error("run with node --expose-gc");
  gc();
  gc();
}

/** Wall time and CPU time (user + system, all threads: GC helpers included) of each timed round, ms. */
export interface Timings {
  readonly wall: number[];
  readonly cpu: number[];
}

/**
 * Runs `round` `warmup` times untimed, then `rounds` times timed, back to back: steady-state
 * throughput. There is one full GC before the warm-up and none between rounds, on purpose: a
 * forced full GC clears the weak references V8's optimized code embeds (`--trace-deopt` reports
 * `reason: weak objects` for rxjs's Subscriber/Observable methods and Node's AbortController and
 * EventTarget), so every round after one would run de-optimized code and measure warm-up again.
 * CPU time is recorded too: on a shared machine it is less disturbed by other processes than wall time.
 */
export async function measure(warmup: number, rounds: number, round: () => Promise<void>): Promise<Timings> {
  collect();
  for (let i = 0; i < warmup; i++) await round();
  const timings: Timings = { wall: [], cpu: [] };
  for (let i = 0; i < rounds; i++) {
    const { wall, cpu } = await timeRound(round);
    timings.wall.push(wall);
    timings.cpu.push(cpu);
  }
  return timings;
}

/** One round's wall time and CPU time, ms. */
export interface RoundTime {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs `round` once and times it. */
export async function timeRound(round: () => Promise<void>): Promise<RoundTime> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await round();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu0);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Samples V8's used heap. `tick()` is cheap enough to be called from the children themselves
 * (every `every` calls it takes one sample), which is the only way to see the heap while a run of
 * microtask-only children never yields to a timer.
 */
export class HeapProbe {
  private calls = 0;
  private base = 0;
  peak = 0;

  constructor(private readonly every: number) {}

  /** Collects garbage and takes the baseline the peak is measured from. */
  reset(): void {
    collect();
    this.base = v8.getHeapStatistics().used_heap_size;
    this.peak = this.base;
    this.calls = 0;
  }

  tick(): void {
    if (++this.calls % this.every === 0) this.sample();
  }

  sample(): void {
    const used = v8.getHeapStatistics().used_heap_size;
    if (used > this.peak) this.peak = used;
  }

  /** Peak heap above the baseline, in bytes. */
  get growth(): number {
    return this.peak - this.base;
  }
}

/** Peak resident set size of this process so far, in bytes (the kernel's high-water mark). */
export function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export { median } from "../stats.js";

/** What a sleep-scenario process prints (one contender at one concurrency). */
export interface CaseOutput {
  readonly scenario: string;
  readonly contender: string;
  readonly params: Readonly<Record<string, number>>;
  /** Timed rounds' wall times, ms. */
  readonly times_ms: number[];
  /** Timed rounds' CPU times (user + system, whole process), ms. */
  readonly cpu_ms: number[];
  /** The process's RSS high-water mark, bytes. */
  readonly max_rss_bytes: number;
  /** Scenario-specific checks and figures. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** What an interleaved timing process prints: every contender's time in each timed round. */
export interface InterleavedOutput {
  readonly params: { readonly n: number; readonly concurrency: number };
  readonly warmup: number;
  /** Per contender; index r of `wall` and `cpu` is timed round r, the same round for every contender. */
  readonly timings: Readonly<Record<string, Timings>>;
}

/** What an isolated process prints: one contender's memory (and, if asked, CPU profile). */
export interface MemoryOutput {
  readonly contender: string;
  readonly params: { readonly n: number; readonly concurrency: number };
  /** Peak heap above the post-setup baseline during one extra, probed round, bytes. */
  readonly heap_peak_bytes: number;
  /** Heap taken by the prepared input (indices or child descriptors), bytes. */
  readonly input_heap_bytes: number;
  /** The process's RSS high-water mark, bytes. */
  readonly max_rss_bytes: number;
  /** Scenario-specific checks and figures. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Prints the result line the orchestrator reads. */
export function report(output: CaseOutput | InterleavedOutput | MemoryOutput): void {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(output)}\n`);
}

/** Parses the single JSON argument a scenario process is started with. */
export function caseArgs<A>(): A {
  const raw = process.argv[2];
  if (!raw) throw new Error("missing case argument (JSON)");
  return JSON.parse(raw) as A;
}
