/**
 * Benchmark of the queue backend (issue 5, "Performance"):
 *
 *   npx tsx bench/queue/run.ts [--rounds 5] [--children 1000] [--json bench/queue/results/latest.json]
 *
 * Starts its own redis-server (loopback, free port, no persistence) and real `blok-parallel
 * worker` processes (bench/queue/worker.ts is the CLI command), then measures, in this process,
 * the same container on the same workflows with `execution.backend` local and queue:
 *
 * 1. Per-child overhead, 1,000 trivial children (map mode, node returns its index):
 *    a. window 20 (the container's max_concurrent ceiling), two workers with concurrency 10 each:
 *       wall time per child, queue minus local;
 *    b. window 1 (strictly sequential, 200 children): the latency one child pays for the trip
 *       through Redis and back (enqueue, worker fetch, run, completion event).
 * 2. CPU-bound children: 16 children each busy-looping 150 ms on the worker's event loop,
 *    window 8; one worker process vs two (separate queues, the idle one costs nothing), and the
 *    local backend (inline: one core) for reference. Throughput in children per second.
 *
 * Rounds interleave the variants (local, queue; one worker, two workers) so a shared machine's
 * slow phases hit all alike; reported: medians over the rounds, and ratios computed per round.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DefaultLogger } from "../../src/blok/index.js";
import { CONTAINER_KEYS, createEnvironment } from "../../src/environment/index.js";
import { createParallelExecutionNode } from "../../src/node/ParallelExecutionNode.js";
import type { Workflow } from "../../src/runner/index.js";
import { createQueueConnector } from "../../src/runtimes/queue/index.js";
import { startRedis } from "../../spec/queue/redisServer.js";
import { median } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const nodesDir = join(here, "nodes");

const { values: flags } = parseArgs({ options: { rounds: { type: "string" }, children: { type: "string" }, json: { type: "string" } } });
const ROUNDS = Number(flags.rounds ?? 5);
const CHILDREN = Number(flags.children ?? 1000);
const SEQUENTIAL_CHILDREN = 200;
const CPU_CHILDREN = 16;
const CPU_MS = 150;
const CPU_WINDOW = 8;

process.env.CONSOLE_LOG_ACTIVE = "false";


function spawnWorker(url: string, queue: string, concurrency: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "worker.ts"), "--redis", url, "--queue", queue, "--nodes", nodesDir, "--concurrency", String(concurrency)], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, CONSOLE_LOG_ACTIVE: "false" },
  });
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("serving queue")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
}

const redis = await startRedis();
const workers: ChildProcess[] = [];
const env = createEnvironment({ nodesDir });
const Container = createParallelExecutionNode({ resolveChild: (step) => env.resolveStep(step), connectQueue: createQueueConnector({ redisUrl: redis.url }) });
for (const key of CONTAINER_KEYS) env.registry.addNode(key, new Container());
const logger = new DefaultLogger({ write: () => undefined });

function workflow(node: string, items: number, window: number, backend: "local" | "queue", queue: string, inputs: Record<string, unknown> = {}): Workflow {
  return {
    name: "queue-bench",
    steps: [{ name: "fan", node: "parallel-execution", type: "module", set_var: true }],
    nodes: {
      fan: { inputs: { execution: { max_concurrent: window, backend, queue: { name: queue } }, map: { items: Array.from({ length: items }, (_, i) => i), node: { name: "child", node, type: "local" } } } },
      child: { inputs },
    },
  } as unknown as Workflow;
}

interface Timed {
  readonly ms: number;
  /** Per-child timings the queue backend reported (medians over the children). */
  readonly timing: Record<string, number>;
}

async function timed(doc: Workflow, expected: number): Promise<Timed> {
  const started = performance.now();
  const run = await env.run(doc, { logger });
  const ms = performance.now() - started;
  const output = run.ctx.vars!.fan as { results: unknown[]; execution_info: { children?: { timing?: Record<string, number> }[] } };
  if (output.results.length !== expected || output.results.some((r) => r === null)) throw new Error("incomplete results");
  const timing: Record<string, number> = {};
  const children = output.execution_info.children ?? [];
  for (const key of ["queue_ms", "work_ms", "total_ms"]) {
    const values = children.map((c) => c.timing?.[key]).filter((v): v is number => typeof v === "number");
    if (values.length > 0) timing[key] = median(values);
  }
  return { ms, timing };
}

const versions = {
  node: process.version,
  bullmq: JSON.parse(readFileSync(join(repoRoot, "node_modules/bullmq/package.json"), "utf8")).version as string,
  ioredis: JSON.parse(readFileSync(join(repoRoot, "node_modules/ioredis/package.json"), "utf8")).version as string,
  redis: execFileSync("redis-server", ["--version"], { encoding: "utf8" }).match(/v=(\S+)/)?.[1] ?? "?",
};
const machine = { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "?", loadBefore: os.loadavg()[0]! };

try {
  // Trivial children: two workers x concurrency 10 serve "trivial"; "cpu-1" has one worker, "cpu-2" two.
  workers.push(...(await Promise.all([spawnWorker(redis.url, "trivial", 10), spawnWorker(redis.url, "trivial", 10), spawnWorker(redis.url, "cpu-1", 1), spawnWorker(redis.url, "cpu-2", 1), spawnWorker(redis.url, "cpu-2", 1)])));
  // Warm-up: module loading, JIT, connections.
  await timed(workflow("noop", 200, 20, "local", "trivial"), 200);
  await timed(workflow("noop", 200, 20, "queue", "trivial"), 200);
  await timed(workflow("spin", 4, 4, "queue", "cpu-1", { ms: 20 }), 4);
  await timed(workflow("spin", 4, 4, "queue", "cpu-2", { ms: 20 }), 4);

  const rounds: Record<string, number>[] = [];
  const timings: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (["local", "queue"] as const) : (["queue", "local"] as const);
    const r: Record<string, number> = {};
    for (const backend of order) {
      const wide = await timed(workflow("noop", CHILDREN, 20, backend, "trivial"), CHILDREN);
      const narrow = await timed(workflow("noop", SEQUENTIAL_CHILDREN, 1, backend, "trivial"), SEQUENTIAL_CHILDREN);
      r[`${backend}_w20_ms`] = wide.ms;
      r[`${backend}_w1_ms`] = narrow.ms;
      if (backend === "queue") timings.push(Object.fromEntries(Object.entries(narrow.timing).map(([k, v]) => [`w1_${k}`, v])), Object.fromEntries(Object.entries(wide.timing).map(([k, v]) => [`w20_${k}`, v])));
    }
    r.w20_overhead_per_child_ms = (r.queue_w20_ms! - r.local_w20_ms!) / CHILDREN;
    r.w1_overhead_per_child_ms = (r.queue_w1_ms! - r.local_w1_ms!) / SEQUENTIAL_CHILDREN;
    r.w20_ratio = r.queue_w20_ms! / r.local_w20_ms!;
    r.w1_ratio = r.queue_w1_ms! / r.local_w1_ms!;
    const cpuOrder = round % 2 === 0 ? (["cpu-1", "cpu-2", "local"] as const) : (["local", "cpu-2", "cpu-1"] as const);
    for (const variant of cpuOrder) {
      const run = await timed(workflow("spin", CPU_CHILDREN, CPU_WINDOW, variant === "local" ? "local" : "queue", variant, { ms: CPU_MS }), CPU_CHILDREN);
      r[`${variant}_children_per_s`] = (CPU_CHILDREN * 1000) / run.ms;
    }
    r.cpu_2_over_1 = r["cpu-2_children_per_s"]! / r["cpu-1_children_per_s"]!;
    rounds.push(r);
    console.error(`round ${round + 1}/${ROUNDS}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(3))])))}`);
  }

  const keys = Object.keys(rounds[0]!);
  const medians = Object.fromEntries(keys.map((key) => [key, median(rounds.map((r) => r[key]!))]));
  const ranges = Object.fromEntries(keys.map((key) => [key, [Math.min(...rounds.map((r) => r[key]!)), Math.max(...rounds.map((r) => r[key]!))]]));
  const timingKeys = [...new Set(timings.flatMap((t) => Object.keys(t)))];
  const timingMedians = Object.fromEntries(timingKeys.map((key) => [key, median(timings.map((t) => t[key]).filter((v): v is number => v !== undefined))]));
  const result = {
    date: new Date().toISOString(),
    command: `npx tsx bench/queue/run.ts --rounds ${ROUNDS} --children ${CHILDREN}`,
    machine: { ...machine, loadAfter: os.loadavg()[0]! },
    versions,
    setup: { children: CHILDREN, sequentialChildren: SEQUENTIAL_CHILDREN, cpuChildren: CPU_CHILDREN, cpuMs: CPU_MS, cpuWindow: CPU_WINDOW, rounds: ROUNDS },
    medians,
    ranges,
    timingMedians,
    rounds,
  };
  const file = flags.json ?? join(here, "results/latest.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const f = (n: number, digits = 2) => n.toFixed(digits);
  /** Median, and the range over the rounds. */
  const m = (key: string, digits = 2, unit = "") => `${f(medians[key]!, digits)}${unit} (${f(ranges[key]![0]!, digits)}-${f(ranges[key]![1]!, digits)})`;
  console.log(`
${result.date.slice(0, 10)} · ${machine.cores} cores (${machine.cpu}) · Node ${versions.node} · bullmq ${versions.bullmq} · ioredis ${versions.ioredis} · redis-server ${versions.redis} · load average ${f(machine.loadBefore, 1)} before, ${f(result.machine.loadAfter, 1)} after · ${ROUNDS} rounds: median (min-max)

| trivial children | local | queue | queue - local, per child | queue / local |
|---|---:|---:|---:|---:|
| ${CHILDREN}, window 20 (2 workers x concurrency 10) | ${m("local_w20_ms", 0, " ms")} | ${m("queue_w20_ms", 0, " ms")} | ${m("w20_overhead_per_child_ms", 3, " ms")} | ${m("w20_ratio", 2, "x")} |
| ${SEQUENTIAL_CHILDREN}, window 1 (one at a time: latency) | ${m("local_w1_ms", 0, " ms")} | ${m("queue_w1_ms", 0, " ms")} | ${m("w1_overhead_per_child_ms", 3, " ms")} | ${m("w1_ratio", 2, "x")} |

Per-child timings the queue backend reported (median over children, then over rounds): window 1: queue_ms ${f(timingMedians.w1_queue_ms ?? Number.NaN, 3)}, work_ms ${f(timingMedians.w1_work_ms ?? Number.NaN, 3)}, total_ms ${f(timingMedians.w1_total_ms ?? Number.NaN, 3)}; window 20: queue_ms ${f(timingMedians.w20_queue_ms ?? Number.NaN, 3)}, work_ms ${f(timingMedians.w20_work_ms ?? Number.NaN, 3)}, total_ms ${f(timingMedians.w20_total_ms ?? Number.NaN, 3)}.

| ${CPU_CHILDREN} CPU-bound children x ${CPU_MS} ms, window ${CPU_WINDOW} | children/s |
|---|---:|
| local backend (inline, one event loop) | ${m("local_children_per_s")} |
| queue, 1 worker process | ${m("cpu-1_children_per_s")} |
| queue, 2 worker processes | ${m("cpu-2_children_per_s")} |
| 2 workers / 1 worker, per round | ${m("cpu_2_over_1", 2, "x")} |
`);
} finally {
  for (const worker of workers) worker.kill("SIGTERM");
  await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.exitCode !== null ? resolve(undefined) : worker.once("exit", resolve)))));
  await env.close();
  await redis.stop();
}
