/**
 * Benchmark of the queue backend (issues 5 and 13); writes docs/bench/queue.md:
 *
 *   npx tsx bench/queue/run.ts [--rounds 5] [--children 1000] [--scale-children 10000] [--scale-rounds 3]
 *                              [--recovery-trials 5] [--json bench/queue/results/latest.json] [--page docs/bench/queue.md]
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
 * 3. Scale, background cost and recovery (see bench/queue/scale.ts): 10,000 trivial children over
 *    1, 2 and 4 worker processes (children/s, Redis commands per child); Redis commands per idle
 *    and per busy worker; time from a worker's SIGKILL until its job runs elsewhere (median of 5).
 *
 * Rounds interleave the variants (local, queue; one worker, two workers) so a shared machine's
 * slow phases hit all alike; reported: medians over the rounds, and ratios computed per round.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DefaultLogger } from "../../src/blok/index.js";
import { CONTAINER_KEYS, createEnvironment } from "../../src/composition/index.js";
import { createParallelExecutionNode } from "../../src/node/ParallelExecutionNode.js";
import type { Workflow } from "../../src/runner/index.js";
import { createQueueConnector } from "../../src/runtimes/queue/index.js";
import { startRedis } from "../../spec/runtimes/queue/redisServer.js";
import { median } from "../stats.js";
import { measureBackground, measureRecovery, measureScale } from "./scale.js";
import { benchNodes as nodesDir, spawnWorker, stopWorkers } from "./workerProcess.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string" },
    children: { type: "string" },
    json: { type: "string" },
    "scale-children": { type: "string" },
    "scale-rounds": { type: "string" },
    "recovery-trials": { type: "string" },
    page: { type: "string" },
  },
});
const ROUNDS = Number(flags.rounds ?? 5);
const CHILDREN = Number(flags.children ?? 1000);
const SEQUENTIAL_CHILDREN = 200;
const CPU_CHILDREN = 16;
const CPU_MS = 150;
const CPU_WINDOW = 8;
const SCALE_CHILDREN = Number(flags["scale-children"] ?? 10_000);
const SCALE_ROUNDS = Number(flags["scale-rounds"] ?? 3);
const SCALE_WORKERS = [1, 2, 4] as const;
const RECOVERY_TRIALS = Number(flags["recovery-trials"] ?? 5);
const RECOVERY_TARGET_MS = 5_000;
const PAGE = flags.page ?? join(repoRoot, "docs/bench/queue.md");

process.env.CONSOLE_LOG_ACTIVE = "false";


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

  await stopWorkers(workers.splice(0));

  // Scale, background cost and recovery (issue 13): one variant at a time, nothing else running.
  const admin = redis.client();
  const bench = { redisUrl: redis.url, admin, run: async (doc: Workflow) => (await env.run(doc, { logger })).ctx.vars!.fan as never };
  let scale: Awaited<ReturnType<typeof measureScale>>;
  let background: Awaited<ReturnType<typeof measureBackground>>;
  let recovery: Awaited<ReturnType<typeof measureRecovery>>;
  try {
    scale = await measureScale(bench, { children: SCALE_CHILDREN, workerCounts: SCALE_WORKERS, rounds: SCALE_ROUNDS });
    background = await measureBackground(bench, { seconds: 10, jobMs: 6_000 });
    recovery = await measureRecovery(bench, { trials: RECOVERY_TRIALS, jobMs: 1_500 });
  } finally {
    admin.disconnect();
  }

  const keys = Object.keys(rounds[0]!);
  const medians = Object.fromEntries(keys.map((key) => [key, median(rounds.map((r) => r[key]!))]));
  const ranges = Object.fromEntries(keys.map((key) => [key, [Math.min(...rounds.map((r) => r[key]!)), Math.max(...rounds.map((r) => r[key]!))]]));
  const timingKeys = [...new Set(timings.flatMap((t) => Object.keys(t)))];
  const timingMedians = Object.fromEntries(timingKeys.map((key) => [key, median(timings.map((t) => t[key]).filter((v): v is number => v !== undefined))]));
  const command = `npx tsx bench/queue/run.ts --rounds ${ROUNDS} --children ${CHILDREN} --scale-children ${SCALE_CHILDREN} --scale-rounds ${SCALE_ROUNDS} --recovery-trials ${RECOVERY_TRIALS}`;
  const result = {
    date: new Date().toISOString(),
    command,
    machine: { ...machine, loadAfter: os.loadavg()[0]! },
    versions,
    setup: { children: CHILDREN, sequentialChildren: SEQUENTIAL_CHILDREN, cpuChildren: CPU_CHILDREN, cpuMs: CPU_MS, cpuWindow: CPU_WINDOW, rounds: ROUNDS, scaleChildren: SCALE_CHILDREN, scaleRounds: SCALE_ROUNDS, recoveryTrials: RECOVERY_TRIALS },
    medians,
    ranges,
    timingMedians,
    rounds,
    scale,
    background,
    recovery,
  };
  const file = flags.json ?? join(here, "results/latest.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  })();
  const page = renderPage({ result, commit, medians, ranges, timingMedians, scale, background, recovery });
  writeFileSync(PAGE, page);
  console.log(page);
  console.error(`wrote ${PAGE} and ${file}`);
} finally {
  await stopWorkers(workers);
  await env.close();
  await redis.stop();
}

interface PageData {
  readonly result: { date: string; command: string; machine: typeof machine & { loadAfter: number } };
  readonly commit: string;
  readonly medians: Record<string, number>;
  readonly ranges: Record<string, number[]>;
  readonly timingMedians: Record<string, number>;
  readonly scale: Awaited<ReturnType<typeof measureScale>>;
  readonly background: Awaited<ReturnType<typeof measureBackground>>;
  readonly recovery: Awaited<ReturnType<typeof measureRecovery>>;
}

/** docs/bench/queue.md: method, this run's figures, and what they say (every figure from this run). */
function renderPage({ result, commit, medians, ranges, timingMedians, scale, background, recovery }: PageData): string {
  const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a");
  /** Median, and the range over the rounds. */
  const m = (key: string, digits = 2, unit = "") => `${f(medians[key]!, digits)}${unit} (${f(ranges[key]![0]!, digits)}-${f(ranges[key]![1]!, digits)})`;
  const spread = (values: readonly number[], digits: number) => `${f(median(values), digits)} (${f(Math.min(...values), digits)}-${f(Math.max(...values), digits)})`;
  const recoveryMedian = median(recovery.restartMs);
  const verdict = recoveryMedian < RECOVERY_TARGET_MS ? "PASS" : "MISS";
  const single = scale.find((row) => row.workers === 1);
  const bg = (settings: "default" | "bullmq") => background.find((row) => row.settings === settings)!;
  return `# Benchmark: queue backend (BullMQ on Redis)

Generated by \`npm run bench -- queue\` (or \`${result.command}\`), which writes this page. Needs
\`redis-server\` on the PATH or at /usr/bin, as the tests do; the script starts its own server and
its own \`blok-parallel worker\` processes and stops them. Raw figures of this run, every round
included: \`bench/queue/results/latest.json\`.

${result.date.slice(0, 10)} · code of commit ${commit} · ${machine.cores} cores (${machine.cpu}) · Node ${versions.node} · bullmq ${versions.bullmq} · ioredis ${versions.ioredis} · redis-server ${versions.redis} · load average ${f(machine.loadBefore, 1)} before, ${f(result.machine.loadAfter, 1)} after. The producer, Redis and every worker share this machine, so absolute figures are pessimistic; the ranges show the noise.

## Recovery after a worker is killed

Two workers with the default settings (\`--lock-duration\` 3,000 ms renewed from a heartbeat
thread, \`--stalled-interval\` 1,000 ms); one job of a node sleeping 1.5 s; the worker that started
it gets SIGKILL; measured: from the kill to the job's start on the other worker (the node writes a
marker with its pid and the time), ${recovery.restartMs.length} trials.

| | median (min-max) | target | verdict |
|---|---:|---:|---|
| SIGKILL until the job runs again elsewhere | ${spread(recovery.restartMs, 0)} ms | under ${f(RECOVERY_TARGET_MS, 0)} ms | ${verdict} |
| SIGKILL until the run has its result | ${spread(recovery.resultMs, 0)} ms | | |

## Scale: ${f(SCALE_CHILDREN, 0)} trivial children over 1, 2 and 4 worker processes

Map mode, node \`noop\` (returns its index), window 20 (the container's \`max_concurrent\`
ceiling); every worker process has \`--concurrency 10\`. Redis commands = the delta of \`INFO
commandstats\` over the run, divided by the children: every command Redis executed for the
producer and the workers, where a Lua script (\`evalsha\`) counts once and each command it runs
inside counts too, so this is Redis's work per child rather than network round trips (those are
the \`evalsha\`, \`xread\`, \`bzpopmin\` and other top-level calls in the breakdown). ${SCALE_ROUNDS} rounds after a warm-up run; median (min-max).

| worker processes | children/s | Redis commands per child |
|---:|---:|---:|
${scale.map((row) => `| ${row.workers} | ${spread(row.childrenPerSecond, 0)} | ${spread(row.commandsPerChild, 2)} |`).join("\n")}

Commands per child with one worker, by command (median over the rounds):
${(single?.byCommand ?? []).slice(0, 12).map(([command, calls]) => `\`${command}\` ${f(calls, 2)}`).join(", ")}.

## What workers cost Redis between children

Four worker processes (\`--concurrency 1\`) per setting. Idle: commands over 10 s with no job,
per worker per second. Busy: each of the four runs one job of 6 s; the commands of a run of 20 ms
jobs (start and finish) are subtracted, and the rest is divided by the workers and the extra
seconds: lock renewals and stalled checks.

| settings | idle worker, commands/s | busy worker, commands/s |
|---|---:|---:|
| default (3 s lock renewed every 500 ms from a thread, 1 s stalled check) | ${f(bg("default").idlePerWorkerPerSecond, 2)} | ${f(bg("default").busyPerWorkerPerSecond, 2)} |
| BullMQ's (\`--lock-duration 30000 --stalled-interval 30000\`) | ${f(bg("bullmq").idlePerWorkerPerSecond, 2)} | ${f(bg("bullmq").busyPerWorkerPerSecond, 2)} |

An idle worker sends one stalled-check script per \`--stalled-interval\` and one blocking pop per
5 s (BullMQ's \`drainDelay\`); a busy one adds one renewal script per \`--lock-duration / 6\` for
all its jobs at once. A trivial child is usually never renewed, so the cost per child in the
table above does not depend on these settings.

## Against the local backend

Method: the same container on the same workflow with \`execution.backend\` local and queue.
Trivial children: 1,000 at window 20 on two workers with \`--concurrency 10\`, and 200 at window 1
(one at a time: the latency of a trip through Redis); per child: (queue wall time - local wall
time) / children, per round. CPU-bound children: ${CPU_CHILDREN} children of node \`spin\`
(busy-loops ${CPU_MS} ms on the event loop), window ${CPU_WINDOW}, on one worker process or two
(\`--concurrency 1\`), the local backend (one event loop) for reference. Rounds alternate the order
of the variants; ${ROUNDS} rounds; median (min-max).

| trivial children | local | queue | queue - local, per child | queue / local |
|---|---:|---:|---:|---:|
| ${CHILDREN}, window 20 (2 workers x concurrency 10) | ${m("local_w20_ms", 0, " ms")} | ${m("queue_w20_ms", 0, " ms")} | ${m("w20_overhead_per_child_ms", 3, " ms")} | ${m("w20_ratio", 2, "x")} |
| ${SEQUENTIAL_CHILDREN}, window 1 (one at a time: latency) | ${m("local_w1_ms", 0, " ms")} | ${m("queue_w1_ms", 0, " ms")} | ${m("w1_overhead_per_child_ms", 3, " ms")} | ${m("w1_ratio", 2, "x")} |

Per-child timings the queue backend reported (median over children, then over rounds):

| | \`queue_ms\` (enqueue until active) | \`work_ms\` (on the worker) | \`total_ms\` (enqueue until the result was back) |
|---|---:|---:|---:|
| window 1 | ${f(timingMedians.w1_queue_ms ?? Number.NaN, 2)} | ${f(timingMedians.w1_work_ms ?? Number.NaN, 2)} | ${f(timingMedians.w1_total_ms ?? Number.NaN, 2)} |
| window 20 | ${f(timingMedians.w20_queue_ms ?? Number.NaN, 2)} | ${f(timingMedians.w20_work_ms ?? Number.NaN, 2)} | ${f(timingMedians.w20_total_ms ?? Number.NaN, 2)} |

| ${CPU_CHILDREN} CPU-bound children x ${CPU_MS} ms, window ${CPU_WINDOW} | children/s |
|---|---:|
| local backend (inline, one event loop) | ${m("local_children_per_s")} |
| queue, 1 worker process | ${m("cpu-1_children_per_s")} |
| queue, 2 worker processes | ${m("cpu-2_children_per_s")} |
| 2 workers / 1 worker, per round | ${m("cpu_2_over_1", 2, "x")} |

## Reading the figures

- A queued trivial child costs ${f(medians.w20_overhead_per_child_ms!, 2)} ms more than a local one
  with a full window and ${f(medians.w1_overhead_per_child_ms!, 2)} ms more one at a time: BullMQ's
  per-job path (a script to add, a blocking pop and a script to start, a script and a stream entry
  to finish, a stream read back), the commands counted above. Small next to children that do real
  work, large next to trivial ones: \`local\` stays the default.
- Throughput of trivial children is bound by those round trips and by the machine's cores (the
  producer, Redis and the workers share them here), not by the number of worker processes; more
  processes pay off for children that use CPU, as the CPU-bound rows show, and more machines add
  more processes the same way.
- Recovery from a dead worker takes one lock duration plus up to one stalled interval, plus the
  start of the node on the new worker; the background cost that buys it is in the table above.
`;
}
