// Python runtime benchmark: per-call round trip against a bare gRPC baseline, and throughput at
// concurrency 1, 4, 16. Run: npx tsx bench/python/roundtrip.ts [--rounds N]
// Figures and method: docs/bench/python.md.
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buildPythonContext, findPythonInterpreter, PythonRuntimeClient, startPythonRuntime } from "../../src/runtimes/python/index.js";
import { startBareEchoServer } from "./startBareEchoServer.js";
import { median } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;
const CALLS_PER_ROUND = 300;
const WARMUP_CALLS = 300;
const THROUGHPUT_WINDOW_MS = 1_000;
const CONCURRENCY = [1, 4, 16] as const;
const TARGET_ROUNDTRIP_RATIO = 1.5;
const TARGET_SCALING = 4;

/** A context whose JSON is exactly 1 KiB, shaped like what a Blok step sends. */
function oneKibContext(): unknown {
  const base = { request: { method: "POST", url: "/bench", headers: { "content-type": "application/json" }, body: { id: 42 } } };
  const make = (pad: string) => buildPythonContext(base, { payload: pad });
  const overhead = JSON.stringify(make("")).length;
  const context = make("x".repeat(1024 - overhead));
  if (JSON.stringify(context).length !== 1024) throw new Error("context is not 1 KiB");
  return context;
}


type Call = () => Promise<unknown>;

/**
 * Median per-call latency (ms) of each variant over `calls` sequential calls per variant, the
 * variants taking turns call by call (in rotating order) so that drift on a busy machine (CPU
 * frequency, GC, other processes) hits every variant alike.
 */
async function interleavedLatency<K extends string>(variants: Record<K, Call>, calls: number): Promise<Record<K, number>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < calls; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const start = performance.now();
      await variants[name]();
      samples[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}

/** Completed calls per second with `concurrency` callers looping for the window. */
async function throughput(call: Call, concurrency: number): Promise<number> {
  let completed = 0;
  const start = performance.now();
  const end = start + THROUGHPUT_WINDOW_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        completed++;
      }
    }),
  );
  return (completed * 1000) / (performance.now() - start);
}

const python = await findPythonInterpreter();
const runtime = await startPythonRuntime({ nodesDir: join(here, "nodes"), python });
const bare = await startBareEchoServer(python);
const runtimeClient = new PythonRuntimeClient(runtime);
const bareClient = new PythonRuntimeClient({ host: "127.0.0.1", port: bare.port });

try {
  const context = oneKibContext();
  // Server-side time per call as the runtime reports it (decode, dispatch, run, encode).
  const asyncNodeMs: number[] = [];
  const syncNodeMs: number[] = [];
  const calls: Record<string, Call> = {
    bare: () => bareClient.execute({ node: "echo", context }),
    runtimeAsync: async () => asyncNodeMs.push((await runtimeClient.execute({ node: "echo", context })).timing.node_ms!),
    runtimeSync: async () => syncNodeMs.push((await runtimeClient.execute({ node: "echo_sync", context })).timing.node_ms!),
    sleep20: () => runtimeClient.execute({ node: "sleep20", context }),
    noop: () => runtimeClient.execute({ node: "echo", context }),
    bareNoop: () => bareClient.execute({ node: "echo", context }),
  };
  for (const call of Object.values(calls)) for (let i = 0; i < WARMUP_CALLS / 10; i++) await call();
  for (let i = 0; i < WARMUP_CALLS; i++) await Promise.all([calls.bare!(), calls.runtimeAsync!()]);

  // Round trip: per round, the median of each variant; ratios are taken within a round.
  const latency: Record<"bare" | "runtimeAsync" | "runtimeSync", number[]> = { bare: [], runtimeAsync: [], runtimeSync: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const medians = await interleavedLatency({ bare: calls.bare!, runtimeAsync: calls.runtimeAsync!, runtimeSync: calls.runtimeSync! }, CALLS_PER_ROUND);
    for (const variant of Object.keys(latency) as (keyof typeof latency)[]) latency[variant].push(medians[variant]);
  }
  const ratioAsync = median(latency.runtimeAsync.map((v, i) => v / latency.bare[i]!));
  const ratioSync = median(latency.runtimeSync.map((v, i) => v / latency.bare[i]!));

  const tput: Record<"sleep20" | "noop" | "bareNoop", Record<number, number[]>> = { sleep20: {}, noop: {}, bareNoop: {} };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(tput) as (keyof typeof tput)[]) {
      for (const c of CONCURRENCY) (tput[name][c] ??= []).push(await throughput(calls[name]!, c));
    }
  }
  const tputMedian = (name: keyof typeof tput, c: number): number => median(tput[name][c]!);
  const scaling = tputMedian("sleep20", 16) / tputMedian("sleep20", 1);

  const pythonVersion = execFileSync(python, ["-c", "import sys, grpc; print(sys.version.split()[0], grpc.__version__)"], { encoding: "utf8" }).trim().split(" ");
  const fmt = (n: number, digits = 3) => n.toFixed(digits);
  const lines = [
    `Date: ${new Date().toISOString().slice(0, 10)} · ${cpus().length} cores (${cpus()[0]?.model.trim()}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at the end) · Node ${process.version} · Python ${pythonVersion[0]} (grpcio ${pythonVersion[1]}, ${python})`,
    `Command: npx tsx bench/python/roundtrip.ts --rounds ${ROUNDS} · ${ROUNDS} rounds, ${CALLS_PER_ROUND} sequential calls per variant per round (interleaved call by call), ${THROUGHPUT_WINDOW_MS} ms throughput windows · medians`,
    "",
    "| round trip, 1 KiB context, persistent channel | median per call (ms) | vs bare |",
    "|---|---:|---:|",
    `| bare gRPC echo server (baseline) | ${fmt(median(latency.bare))} | 1.00x |`,
    `| bundled runtime, async node | ${fmt(median(latency.runtimeAsync))} | ${fmt(ratioAsync, 2)}x |`,
    `| bundled runtime, sync node (thread pool) | ${fmt(median(latency.runtimeSync))} | ${fmt(ratioSync, 2)}x |`,
    "",
    `Server-side time per call inside the runtime (decode, dispatch, run, encode; median of blok-node-ms): async node ${fmt(median(asyncNodeMs))} ms, sync node ${fmt(median(syncNodeMs))} ms.`,
    "",
    "| throughput (calls/s) | c=1 | c=4 | c=16 | c=16 / c=1 |",
    "|---|---:|---:|---:|---:|",
    ...(Object.keys(tput) as (keyof typeof tput)[]).map((name) => {
      const label = { sleep20: "runtime, async node awaiting 20 ms", noop: "runtime, async echo node (no-op)", bareNoop: "bare gRPC echo server" }[name];
      const [t1, t4, t16] = CONCURRENCY.map((c) => tputMedian(name, c));
      return `| ${label} | ${fmt(t1!, 0)} | ${fmt(t4!, 0)} | ${fmt(t16!, 0)} | ${fmt(t16! / t1!, 2)}x |`;
    }),
    "",
    `Targets: round trip within ${TARGET_ROUNDTRIP_RATIO}x of bare: ${ratioAsync <= TARGET_ROUNDTRIP_RATIO ? "MET" : "MISSED"} (${fmt(ratioAsync, 2)}x async node, ${fmt(ratioSync, 2)}x sync node); ` +
      `throughput at 16 >= ${TARGET_SCALING}x at 1 (20 ms node): ${scaling >= TARGET_SCALING ? "MET" : "MISSED"} (${fmt(scaling, 2)}x)`,
  ];
  console.log(lines.join("\n"));
} finally {
  runtimeClient.close();
  bareClient.close();
  await Promise.all([runtime.stop(), bare.stop()]);
}
