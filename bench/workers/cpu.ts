/**
 * CPU-bound chunks in-thread vs in worker threads, plus the pool's round trip and start-up.
 *
 *   npx tsx bench/workers/cpu.ts [--chunks 4] [--chunk-ms 200] [--repeats 7] [--doc <path>|none]
 *
 * The modes run interleaved (one sample of each per repeat, back to back). Times are medians of
 * `--repeats` samples; a ratio is the median of the per-repeat ratios, so a slow spell of the
 * machine, which hits the samples of one repeat alike, cancels out. The load average is printed:
 * on a busy machine the figures mean little.
 *
 * The "reference" rows run the same chunks in separate OS processes (nothing shared; process
 * start-up included, so it is not an upper bound): how much parallel CPU the machine gives right
 * now. A virtual machine whose cores are shared with busy neighbours gives far less than
 * `cores`x, and then no thread pool can reach its target either.
 *
 * Writes docs/bench/workers.md (see page.ts) unless `--doc none`; runs with other than the
 * target's 4 chunks of 200 ms default to `none`.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import ChunkStats, { type ChunkStatsInputs } from "../../examples/mixed/nodes/chunk-stats/index.mjs";
import { WorkerPool } from "../../src/runtimes/worker/index.js";
import { type ModeRow, renderPage, type WorkersBenchReport } from "./page.js";
import { median, ms, quantile } from "./stats.js";

const { values: args } = parseArgs({
  options: {
    chunks: { type: "string", default: "4" },
    "chunk-ms": { type: "string", default: "200" },
    repeats: { type: "string", default: "7" },
    doc: { type: "string" },
  },
});
const CHUNKS = Number(args.chunks);
const CHUNK_MS = Number(args["chunk-ms"]);
const REPEATS = Number(args.repeats);
/** The target: 4 chunks of about 200 ms, worker threads at least 1.7x faster than in-thread. */
const TARGET = { chunks: 4, chunkMs: 200, speedUp: 1.7 };
const DOC = args.doc ?? (CHUNKS === TARGET.chunks && CHUNK_MS === TARGET.chunkMs ? "docs/bench/workers.md" : "none");
const CORES = availableParallelism();
const NODE = fileURLToPath(new URL("../../examples/mixed/nodes/chunk-stats/index.mjs", import.meta.url));
const NOOP = fileURLToPath(new URL("./noop-node.mjs", import.meta.url));
const NOOP_TS = fileURLToPath(new URL("./noop-typed-node.ts", import.meta.url));
const SPIN = fileURLToPath(new URL("./spin-node.mjs", import.meta.url));
const CHUNK_PROCESS = fileURLToPath(new URL("./chunk-process.mjs", import.meta.url));
const run = promisify(execFile);
const loadBefore = loadavg()[0] as number;
const began = performance.now();
/** Progress on stderr, so stdout stays the report. */
const phase = (name: string): void => {
  process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(1)} s] ${name}\n`);
};

const node = new ChunkStats();
const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1_000);

/** Rounds that make one chunk take about CHUNK_MS in this thread (after JIT warm-up). */
async function calibrate(): Promise<number> {
  const probe = 200;
  await node.handle({}, { values, rounds: probe });
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await node.handle({}, { values, rounds: probe });
    samples.push(performance.now() - t0);
  }
  return Math.max(1, Math.round((probe * CHUNK_MS) / median(samples)));
}

phase("calibrating");
const rounds = await calibrate();
const chunks: ChunkStatsInputs[] = Array.from({ length: CHUNKS }, (_, i) => ({ values: values.map((v) => v + i), rounds }));
const task = (inputs: ChunkStatsInputs, i: number) => ({ modulePath: NODE, name: `chunk-${i}`, ctx: {}, inputs });
const runAll = (pool: WorkerPool) => Promise.all(chunks.map((inputs, i) => pool.run(task(inputs, i))));

/** A pool with `threads` threads started and the node module loaded in each. */
async function warmPool(threads: number): Promise<WorkerPool> {
  const pool = new WorkerPool({ maxThreads: threads, minThreads: threads });
  await Promise.all(Array.from({ length: threads }, (_, i) => pool.run(task({ values: [1], rounds: 1 }, i))));
  return pool;
}

phase("starting warm pools");
/** `processes` OS processes at once, sharing the chunks between them as evenly as possible. */
async function inProcesses(processes: number): Promise<void> {
  const share = (p: number) => Math.floor(CHUNKS / processes) + (p < CHUNKS % processes ? 1 : 0);
  const first = (p: number) => Array.from({ length: p }, (_, q) => share(q)).reduce((a, b) => a + b, 0);
  await Promise.all(
    Array.from({ length: processes }, (_, p) => run(process.execPath, [CHUNK_PROCESS, String(rounds), String(first(p)), String(share(p))])),
  );
}

const warmPools = new Map<number, WorkerPool>();
for (let threads = 1; threads <= CORES; threads++) warmPools.set(threads, await warmPool(threads));

const ONE_CHUNK = "one chunk in-thread";
const IN_THREAD = 'in-thread "parallel" (Promise.all)';
const modes: Record<string, () => Promise<unknown>> = {
  [ONE_CHUNK]: () => node.handle({}, chunks[0] as ChunkStatsInputs),
  "in-thread sequential": async () => {
    for (const inputs of chunks) await node.handle({}, inputs);
  },
  [IN_THREAD]: () => Promise.all(chunks.map((inputs) => node.handle({}, inputs))),
  // Like the container: a pool per run, so thread start-up and module load are inside the timing.
  [`worker threads x${CORES}, new pool per run`]: async () => {
    const pool = new WorkerPool({ maxThreads: CORES });
    try {
      await runAll(pool);
    } finally {
      await pool.destroy();
    }
  },
};
for (const [threads, pool] of warmPools) modes[`worker threads x${threads}, warm pool`] = () => runAll(pool);
modes["reference: 1 process"] = () => inProcesses(1);
modes[`reference: ${CORES} processes`] = () => inProcesses(CORES);

const samples = new Map<string, number[]>(Object.keys(modes).map((label) => [label, []]));
for (let r = 0; r < REPEATS; r++) {
  phase(`chunks, repeat ${r + 1}/${REPEATS}`);
  for (const [label, fn] of Object.entries(modes)) {
    const t0 = performance.now();
    await fn();
    samples.get(label)?.push(performance.now() - t0);
  }
}
for (const pool of warmPools.values()) await pool.destroy();
const medians = new Map([...samples].map(([label, values]) => [label, median(values)]));
/** Median over repeats of `of[r] / to[r]`: how many times faster `to` was than `of`. */
const ratio = (of: string, to: string): number => {
  const a = samples.get(of) as number[];
  const b = samples.get(to) as number[];
  return median(a.map((value, r) => value / (b[r] as number)));
};

/** Round trip of a trivial task on a warm single-thread pool, one call at a time. */
async function roundTrip(): Promise<{ median: number; p95: number; samples: number }> {
  const pool = new WorkerPool({ maxThreads: 1, minThreads: 1 });
  const trips: number[] = [];
  try {
    for (let i = 0; i < 2_500; i++) {
      const t0 = performance.now();
      await pool.run({ modulePath: NOOP, name: "noop", ctx: { id: i }, inputs: { i } });
      if (i >= 500) trips.push(performance.now() - t0); // the first 500 warm up the JIT and the module
    }
  } finally {
    await pool.destroy();
  }
  return { median: median(trips), p95: quantile(trips, 0.95), samples: trips.length };
}

/** From `new WorkerPool` to the first trivial result: thread start, entry and module load. */
async function firstResult(modulePath: string, execArgv?: string[]): Promise<{ total: number; start: number }> {
  const totals: number[] = [];
  const starts: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const pool = new WorkerPool({ maxThreads: 1, ...(execArgv ? { execArgv } : {}) });
    const { timing } = await pool.run({ modulePath, name: "noop", ctx: {}, inputs: {} });
    totals.push(performance.now() - t0);
    starts.push(timing.start_ms);
    await pool.destroy();
  }
  return { total: median(totals), start: median(starts) };
}

/** Abort of a node spinning in a warm thread: until `run` rejects, and until the thread has exited. */
async function abortLatency(): Promise<{ reject: number; exit: number }> {
  const pool = new WorkerPool({ maxThreads: 1, minThreads: 1 });
  const rejects: number[] = [];
  const exits: number[] = [];
  try {
    for (let r = 0; r < REPEATS; r++) {
      // A ready thread first (the previous abort killed the last one), so the spinner runs, not queues.
      await pool.run({ modulePath: NOOP, name: "noop", ctx: {}, inputs: {} });
      const controller = new AbortController();
      const running = pool.run({ modulePath: SPIN, name: "spin", ctx: {}, inputs: {} }, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const exited = pool.stats().terminated + 1;
      const t0 = performance.now();
      controller.abort();
      await running.catch(() => undefined);
      rejects.push(performance.now() - t0);
      while (pool.stats().terminated < exited) {
        if (performance.now() - t0 > 10_000) throw new Error("The aborted thread did not exit within 10 s");
        await new Promise((resolve) => setImmediate(resolve));
      }
      exits.push(performance.now() - t0);
    }
  } finally {
    await pool.destroy();
  }
  return { reject: median(rejects), exit: median(exits) };
}

phase("round trip");
const trip = await roundTrip();
phase("first results");
const startDefault = await firstResult(NOOP);
const startInherited = await firstResult(NOOP, [...process.execArgv]);
const startTyped = await firstResult(NOOP_TS);
phase("abort latency");
const abort = await abortLatency();

const ONE_THREAD = "worker threads x1, warm pool";
const modeRows: ModeRow[] = [...medians]
  .filter(([label]) => !label.startsWith("reference"))
  .map(([label, medianMs]) => ({
    label,
    medianMs,
    ...(label === ONE_CHUNK ? {} : { vsInThread: ratio(IN_THREAD, label) }),
    ...(label.includes("warm pool") ? { vsOneThread: ratio(ONE_THREAD, label) } : {}),
  }));
const report: WorkersBenchReport = {
  date: new Date().toISOString(),
  node: process.version,
  cores: CORES,
  cpu: cpus()[0]?.model ?? "unknown CPU",
  loadBefore,
  loadAfter: loadavg()[0] as number,
  command: ["npx tsx bench/workers/cpu.ts", ...process.argv.slice(2)].join(" "),
  chunks: CHUNKS,
  chunkMs: CHUNK_MS,
  rounds,
  repeats: REPEATS,
  modes: modeRows,
  reference: {
    ratio: ratio("reference: 1 process", `reference: ${CORES} processes`),
    oneMs: medians.get("reference: 1 process") as number,
    manyMs: medians.get(`reference: ${CORES} processes`) as number,
  },
  roundTrip: { medianMs: trip.median, p95Ms: trip.p95, calls: trip.samples },
  firstResult: {
    mjs: { totalMs: startDefault.total, startMs: startDefault.start },
    inherited: { totalMs: startInherited.total, startMs: startInherited.start },
    ts: { totalMs: startTyped.total, startMs: startTyped.start },
  },
  abort: { rejectMs: abort.reject, exitMs: abort.exit },
  targetRows: [`worker threads x${CORES}, new pool per run`, `worker threads x${CORES}, warm pool`],
  target: TARGET.speedUp,
};

console.log(`date ${report.date}  node ${report.node}  availableParallelism ${CORES}  cpu ${report.cpu}`);
console.log(`load average (1 min) before ${loadBefore.toFixed(2)}, after ${report.loadAfter.toFixed(2)}`);
console.log(`${CHUNKS} chunks of ~${CHUNK_MS} ms (chunk-stats, rounds ${rounds}), ${REPEATS} interleaved repeats; ratios are medians of per-repeat ratios`);
console.log(`${"mode".padEnd(44)} ${"median".padStart(10)}  vs in-thread  vs 1 thread`);
for (const { label, medianMs, vsInThread, vsOneThread } of modeRows) {
  const vs = (value: number | undefined) => (value === undefined ? "" : `${value.toFixed(2)}x`);
  console.log(`${label.padEnd(44)} ${ms(medianMs).padStart(7)} ms  ${vs(vsInThread).padStart(11)}  ${vs(vsOneThread).padStart(10)}`);
}
console.log(
  `reference: the chunks in ${CORES} OS processes finish ${report.reference.ratio.toFixed(2)}x faster than in 1 (medians ${ms(report.reference.oneMs)} / ${ms(report.reference.manyMs)} ms, process start-up included); far below ${CORES}x means the machine itself is contended`,
);
console.log(`round trip, trivial task (${trip.samples} calls): median ${ms(trip.median)} ms, p95 ${ms(trip.p95)} ms`);
console.log(`first result from a new pool, .mjs node: ${ms(startDefault.total)} ms (start_ms ${ms(startDefault.start)}) with default execArgv; ${ms(startInherited.total)} ms (start_ms ${ms(startInherited.start)}) inheriting process.execArgv`);
console.log(`first result from a new pool, .ts node via tsx: ${ms(startTyped.total)} ms (start_ms ${ms(startTyped.start)})`);
console.log(`abort of a spinning node: run() rejects after ${ms(abort.reject)} ms, thread exited after ${ms(abort.exit)} ms (medians)`);
console.log(`process.execArgv: ${JSON.stringify(process.execArgv)}`);
if (DOC !== "none") {
  writeFileSync(DOC, renderPage(report));
  phase(`wrote ${DOC}`);
}
