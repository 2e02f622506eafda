/**
 * Case process, sections 1 and 2: 20 trivial children with a 1 KB and with a 10 MB context, run
 *
 * - `container`: through a workflow (a `set_var` step loads the dataset into `ctx.vars.data`, then
 *   the parallel-execution step runs 20 `module` children, max_concurrent 20, each mapping
 *   `js/ctx.vars.data.slice(0, 10)` against its own copy-on-write context);
 * - `steps`: the same 20 nodes as 20 plain sequential workflow steps (no container, no isolation):
 *   what the Blok step semantics alone cost;
 * - `core`: the same 20 trivial async children straight through `executeParallel`.
 *
 * Both contexts live in this one process for the whole case and the cells are interleaved in
 * blocks, so "10 MB minus 1 KB" compares runs under the same heap and the same machine phase.
 * Then, in the same process: one structuredClone of the 10 MB context (time, heap), and 20 of them.
 *
 * Variants (what every child does besides reading the slice): `read`; `write-vars` sets a key of
 * `ctx.vars` (its view copies the small `vars` object); `write-record` sets a field of one record
 * of the 10 MB array (copies that one record); `write-array` replaces one element of the 10 MB
 * array (copies the array's spine, shallowly: one pointer per record, once per child).
 */
import { type Context, DefaultLogger } from "../../src/blok/index.js";
import { asyncChild, executeParallel } from "../../src/core/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import type { Workflow } from "../../src/runner/index.js";
import { caseArgs, collect, emit, heapUsed, median, salesRecords } from "./lib.js";

export type Variant = "read" | "write-vars" | "write-record" | "write-array";
export type Mode = "container" | "steps" | "core";
export type Size = "1kb" | "10mb";

export interface OverheadArgs {
  readonly variant: Variant;
  readonly children: number;
  /** Blocks per cell; each block is `blockRuns[mode]` back-to-back runs. */
  readonly blocks: number;
  readonly blockRuns: Readonly<Record<Mode, number>>;
  readonly warmupBlocks: number;
  /** Runs per cell with a forced GC before each, sampling the heap peak. */
  readonly memRounds: number;
  /** Runs per cell where the children wait until all are in flight, then one full GC measures what they hold. */
  readonly liveRounds: number;
  readonly cloneRounds: number;
  /** Whether this process also times 20 structuredClones (the "20 full copies" contrast). */
  readonly clone20: boolean;
}

const args = caseArgs<OverheadArgs>();
const N = args.children;
const MODES: readonly Mode[] = ["container", "steps", "core"];
const SIZES: readonly Size[] = ["1kb", "10mb"];

// ---- datasets: heap size measured, not assumed --------------------------------------------
collect();
let h0 = heapUsed();
const small = salesRecords(1024);
collect();
const smallHeap = heapUsed() - h0;
h0 = heapUsed();
const big = salesRecords(10 * 1024 * 1024);
collect();
const bigHeap = heapUsed() - h0;
const datasets: Record<Size, typeof big> = { "1kb": small, "10mb": big };

// ---- probes the children call --------------------------------------------------------------
let peak = 0;
const sample = () => {
  const used = heapUsed();
  if (used > peak) peak = used;
};
/** While set, every child waits here until all N are in flight; the last one measures the live heap. */
let hold: { arrived: number; heap: number; release: () => void; released: Promise<void> } | undefined;
function barrier(): Promise<void> | undefined {
  if (!hold) return undefined;
  const h = hold;
  if (++h.arrived === N) {
    collect();
    h.heap = heapUsed();
    h.release();
  }
  return h.released;
}
function newHold() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { arrived: 0, heap: 0, release, released };
}

// ---- what every child does -----------------------------------------------------------------
type Vars = { data: { seen?: number }[]; mark?: number };
function work(vars: Vars, slice: unknown[]): { n: number } {
  sample();
  if (args.variant === "write-vars") vars.mark = slice.length;
  else if (args.variant === "write-record") vars.data[0]!.seen = slice.length;
  else if (args.variant === "write-array") vars.data[1] = { seen: slice.length };
  return { n: slice.length };
}
const node = {
  async handle(ctx: Context, inputs: unknown) {
    const result = work(ctx.vars as Vars, (inputs as { slice: unknown[] }).slice);
    await barrier(); // after the write: what the child's copies hold is live at the barrier
    return result;
  },
};

const logger = new DefaultLogger({ enabled: false }); // as the CLI without --logs (src/cli/runCommand.ts)
const env = createEnvironment({
  nodes: {
    load: { handle: (_ctx: unknown, inputs: { size: Size }) => datasets[inputs.size] },
    child: node,
  },
});

const childNames = Array.from({ length: N }, (_, i) => `c${i}`);
/** A fresh document per run: the runner's first mapping pass writes into the document it is given. */
function workflow(mode: "container" | "steps"): Workflow {
  const childConfigs = Object.fromEntries(childNames.map((name) => [name, { inputs: { slice: "js/ctx.vars.data.slice(0, 10)" } }]));
  const load = { name: "data", node: "load", type: "module", set_var: true };
  const children = childNames.map((name) => ({ name, node: "child", type: "module" }));
  return {
    name: `overhead-${mode}`,
    steps: mode === "container" ? [load, { name: "fan", node: "parallel-execution", type: "module" }] : [load, ...children],
    nodes: {
      data: { inputs: { size: "js/ctx.request.body.size" } },
      ...(mode === "container" ? { fan: { inputs: { execution: { max_concurrent: N }, nodes: children } } } : {}),
      ...childConfigs,
    },
  } as unknown as Workflow;
}

/** The core contender: the same work, on the one shared context, no isolation, no Blok. */
function coreChildren(size: Size) {
  const vars = { data: datasets[size] } as Vars;
  return childNames.map((name) =>
    asyncChild(name, async () => {
      const result = work(vars, vars.data.slice(0, 10));
      await barrier();
      return result;
    }),
  );
}

async function runOnce(mode: Mode, size: Size): Promise<unknown> {
  if (mode === "core") return (await executeParallel(coreChildren(size), { max_concurrent: N }).result).results;
  const doc = workflow(mode);
  const { response } = await env.run(doc, { body: { size }, logger });
  return mode === "container" ? (response.data as { results: unknown[] }).results : response.data;
}

// ---- check once (results, and that no child write reached the shared dataset), then time ------
for (const size of SIZES) {
  const before = JSON.stringify(datasets[size].slice(0, 2));
  const results = (await runOnce("container", size)) as { n: number }[];
  if (results.length !== N || results.some((r) => r.n !== Math.min(10, datasets[size].length))) throw new Error(`container returned ${JSON.stringify(results)}`);
  if (JSON.stringify(datasets[size].slice(0, 2)) !== before) throw new Error("a child's write reached the parent's dataset");
}
for (const size of SIZES) if ((await runOnce("core", size) as unknown[]).length !== N) throw new Error("core returned a wrong result");

const wall: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {};
const cell = (mode: Mode, size: Size) => `${mode}/${size}`;
for (let block = -args.warmupBlocks; block < args.blocks; block++) {
  for (const mode of MODES) {
    for (const size of SIZES) {
      const runs = args.blockRuns[mode];
      const times: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await runOnce(mode, size);
        times.push(performance.now() - t0);
      }
      const used = process.cpuUsage(cpu0);
      if (block < 0) continue;
      (wall[cell(mode, size)] ??= []).push(...times);
      (cpu[cell(mode, size)] ??= []).push((used.user + used.system) / 1000 / runs);
    }
  }
}

// ---- memory: heap peak of a run (no GC during it), and what is live with all N in flight -----
const peakGrowth: Record<string, number[]> = {};
const live: Record<string, number[]> = {};
for (let round = 0; round < args.memRounds; round++) {
  for (const mode of MODES) {
    for (const size of SIZES) {
      collect();
      const base = heapUsed();
      peak = base;
      await runOnce(mode, size);
      sample();
      (peakGrowth[cell(mode, size)] ??= []).push(peak - base);
    }
  }
}
for (let round = 0; round < args.liveRounds; round++) {
  // Sequential steps never have N children in flight: only the container and the core.
  for (const mode of ["container", "core"] as const) {
    for (const size of SIZES) {
      collect();
      const base = heapUsed();
      hold = newHold();
      await runOnce(mode, size);
      (live[cell(mode, size)] ??= []).push(hold.heap - base);
      hold = undefined;
    }
  }
}

// ---- structuredClone of the 10 MB context, in this same process -----------------------------
const cloneSubject = () => ({ request: { body: { size: "10mb" } }, vars: { data: big }, config: workflow("container").nodes });
const cloneTimes: number[] = [];
const cloneCpu: number[] = [];
const cloneHeap: number[] = [];
for (let round = -1; round < args.cloneRounds; round++) {
  const subject = cloneSubject();
  collect();
  const base = heapUsed();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const copy = structuredClone(subject);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const grown = heapUsed() - base;
  if (copy.vars.data.length !== big.length) throw new Error("clone lost data");
  if (round < 0) continue;
  cloneTimes.push(ms);
  cloneCpu.push((used.user + used.system) / 1000);
  cloneHeap.push(grown);
}
let clone20: { ms: number; cpu_ms: number; heap: number } | null = null;
if (args.clone20) {
  const subject = cloneSubject();
  collect();
  const base = heapUsed();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const copies = Array.from({ length: N }, () => structuredClone(subject));
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  clone20 = { ms, cpu_ms: (used.user + used.system) / 1000, heap: heapUsed() - base };
  if (copies.length !== N) throw new Error("unreachable");
}

const summary = (values: Record<string, number[]>) => Object.fromEntries(Object.entries(values).map(([key, list]) => [key, { median: median(list), n: list.length }]));
emit({
  variant: args.variant,
  children: N,
  context: { small_records: small.length, small_json: JSON.stringify(small).length, small_heap: smallHeap, big_records: big.length, big_json: JSON.stringify(big).length, big_heap: bigHeap },
  wall_ms: summary(wall),
  cpu_ms: summary(cpu),
  peak_growth_bytes: summary(peakGrowth),
  live_bytes: summary(live),
  clone: { ms: median(cloneTimes), cpu_ms: median(cloneCpu), heap: median(cloneHeap), rounds: cloneTimes.length },
  clone20,
});
