/**
 * CPU-bound chunks in-thread vs in worker threads, plus the pool's round trip and start-up.
 *
 *   npx tsx bench/workers/cpu.ts [--chunks 4] [--chunk-ms 200] [--repeats 7]
 *
 * The modes run interleaved (one sample of each per repeat), so a neighbour's load hits them all
 * alike; each figure is the median of `--repeats` samples and ratios are taken between medians of
 * the same run. The load average is printed: on a busy machine the figures mean little.
 * Results go into docs/bench/workers.md.
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import ChunkStats, { type ChunkStatsInputs } from "../../examples/mixed/nodes/chunk-stats/index.mjs";
import { WorkerPool } from "../../src/runtimes/worker/index.js";
import { median, ms, quantile } from "./stats.js";

const { values: args } = parseArgs({
  options: {
    chunks: { type: "string", default: "4" },
    "chunk-ms": { type: "string", default: "200" },
    repeats: { type: "string", default: "7" },
  },
});
const CHUNKS = Number(args.chunks);
const CHUNK_MS = Number(args["chunk-ms"]);
const REPEATS = Number(args.repeats);
const CORES = availableParallelism();
const NODE = fileURLToPath(new URL("../../examples/mixed/nodes/chunk-stats/index.mjs", import.meta.url));
const NOOP = fileURLToPath(new URL("./noop-node.mjs", import.meta.url));
const loadBefore = loadavg()[0] as number;

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

const warmPools = new Map<number, WorkerPool>();
for (let threads = 1; threads <= CORES; threads++) warmPools.set(threads, await warmPool(threads));

const modes: Record<string, () => Promise<unknown>> = {
  "one chunk in-thread": () => node.handle({}, chunks[0] as ChunkStatsInputs),
  "in-thread sequential": async () => {
    for (const inputs of chunks) await node.handle({}, inputs);
  },
  'in-thread "parallel" (Promise.all)': () => Promise.all(chunks.map((inputs) => node.handle({}, inputs))),
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

const samples = new Map<string, number[]>(Object.keys(modes).map((label) => [label, []]));
for (let r = 0; r < REPEATS; r++) {
  for (const [label, fn] of Object.entries(modes)) {
    const t0 = performance.now();
    await fn();
    samples.get(label)?.push(performance.now() - t0);
  }
}
for (const pool of warmPools.values()) await pool.destroy();
const medians = new Map([...samples].map(([label, values]) => [label, median(values)]));

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
async function firstResult(execArgv?: string[]): Promise<number> {
  const starts: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const pool = new WorkerPool({ maxThreads: 1, ...(execArgv ? { execArgv } : {}) });
    await pool.run({ modulePath: NOOP, name: "noop", ctx: {}, inputs: {} });
    starts.push(performance.now() - t0);
    await pool.destroy();
  }
  return median(starts);
}

const trip = await roundTrip();
const startDefault = await firstResult();
const startInherited = await firstResult([...process.execArgv]);

const base = medians.get('in-thread "parallel" (Promise.all)') as number;
const oneThread = medians.get("worker threads x1, warm pool") as number;
console.log(`date ${new Date().toISOString()}  node ${process.version}  availableParallelism ${CORES}  cpu ${cpus()[0]?.model ?? "?"}`);
console.log(`load average (1 min) before ${loadBefore.toFixed(2)}, after ${(loadavg()[0] as number).toFixed(2)}`);
console.log(`${CHUNKS} chunks of ~${CHUNK_MS} ms (chunk-stats, rounds ${rounds}), median of ${REPEATS} interleaved samples`);
console.log(`${"mode".padEnd(44)} ${"median".padStart(10)}  vs in-thread  vs 1 thread`);
for (const [label, value] of medians) {
  const scale = label.includes("warm pool") ? `${(oneThread / value).toFixed(2)}x` : "";
  console.log(`${label.padEnd(44)} ${ms(value).padStart(7)} ms  ${`${(base / value).toFixed(2)}x`.padStart(11)}  ${scale.padStart(10)}`);
}
console.log(`round trip, trivial task (${trip.samples} calls): median ${ms(trip.median)} ms, p95 ${ms(trip.p95)} ms`);
console.log(`first result from a new pool: ${ms(startDefault)} ms (default execArgv), ${ms(startInherited)} ms (inheriting process.execArgv)`);
console.log(`process.execArgv: ${JSON.stringify(process.execArgv)}`);
