/**
 * The tiny measuring kit shared by the scenario processes: timed rounds after a forced GC, a
 * heap probe, and the process's peak RSS. Each scenario runs in its own `node --expose-gc`
 * process, so one case's heap never leaks into another's figures.
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
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await round();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
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

/** What every scenario process prints, as its last stdout line. */
export interface CaseOutput {
  readonly scenario: string;
  readonly contender: string;
  readonly params: Readonly<Record<string, number>>;
  /** Timed rounds' wall times, ms. */
  readonly times_ms: number[];
  /** Timed rounds' CPU times (user + system, whole process), ms. */
  readonly cpu_ms: number[];
  /** Peak heap above the post-setup baseline during one extra, probed round, bytes (null: not probed). */
  readonly heap_peak_bytes: number | null;
  /** Heap taken by the prepared input (indices or child descriptors), bytes (null: not measured). */
  readonly input_heap_bytes: number | null;
  /** The process's RSS high-water mark, bytes. */
  readonly max_rss_bytes: number;
  /** RSS after the imports and before the first round, bytes. */
  readonly base_rss_bytes: number;
  /** Scenario-specific checks and figures. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Prints the result line the orchestrator reads. */
export function report(output: CaseOutput): void {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(output)}\n`);
}

/** Parses the single JSON argument a scenario process is started with. */
export function caseArgs<A>(): A {
  const raw = process.argv[2];
  if (!raw) throw new Error("missing case argument (JSON)");
  return JSON.parse(raw) as A;
}
