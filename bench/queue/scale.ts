/**
 * Scale figures of the queue backend (issue 13, item 5), run by bench/queue/run.ts:
 *
 * - throughput and Redis cost of 10,000 trivial children over 1, 2 and 4 worker processes;
 * - what an idle worker, and a worker renewing the lock of a long job, costs Redis per second,
 *   with the default recovery settings and with BullMQ's (30 s lock, 30 s stalled check);
 * - recovery after a SIGKILL: from the kill to the job's start on another worker.
 *
 * Redis cost = the delta of `INFO commandstats` (calls of every command, Lua scripts counted as
 * one call each) over the measured interval, everything included: producer, workers, and the
 * workers' background traffic while the run lasts.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import type { Workflow } from "../../src/runner/index.js";
import { median } from "../stats.js";
import { spawnWorker, stopWorkers } from "./workerProcess.js";

/** What the measurements need from the bench. */
export interface ScaleBench {
  readonly redisUrl: string;
  /** A client for INFO (its own calls are counted too: a few per measurement). */
  readonly admin: Redis;
  /** Runs a workflow through the container; resolves with the container's output. */
  readonly run: (workflow: Workflow) => Promise<{ results: unknown[]; execution_info: { children?: { timing?: Record<string, number> }[] } }>;
}

/** BullMQ's own defaults, for comparison. */
export const BULLMQ_DEFAULT_FLAGS = ["--lock-duration", "30000", "--stalled-interval", "30000"] as const;

/** Calls per command since the server started (`INFO commandstats`). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await redis.info("commandstats")).split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) calls.set(match[1]!, Number(match[2]));
  }
  return calls;
}

/** Calls per command between two readings, largest first. */
export function callDelta(before: Map<string, number>, after: Map<string, number>): { total: number; byCommand: [string, number][] } {
  const byCommand: [string, number][] = [];
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta > 0) byCommand.push([command, delta]);
  }
  byCommand.sort((a, b) => b[1] - a[1]);
  return { total: byCommand.reduce((sum, [, calls]) => sum + calls, 0), byCommand };
}

export function mapWorkflow(queue: string, node: string, items: number, window: number, inputs: Record<string, unknown> = {}): Workflow {
  return {
    name: "queue-scale",
    steps: [{ name: "fan", node: "parallel-execution", type: "module", set_var: true }],
    nodes: {
      fan: { inputs: { execution: { max_concurrent: window, backend: "queue", queue: { name: queue } }, map: { items: Array.from({ length: items }, (_, i) => i), node: { name: "child", node, type: "local" } } } },
      child: { inputs },
    },
  } as unknown as Workflow;
}

export interface ScaleRow {
  readonly workers: number;
  readonly childrenPerSecond: number[];
  readonly commandsPerChild: number[];
  /** Commands per child by command, median over the rounds, largest first. */
  readonly byCommand: [string, number][];
}

/** 10,000 trivial children (window 20) over 1, 2 and 4 worker processes of concurrency 10. */
export async function measureScale(bench: ScaleBench, options: { children: number; workerCounts: readonly number[]; rounds: number }): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const count of options.workerCounts) {
    const queue = `scale-${count}`;
    const workers = await Promise.all(Array.from({ length: count }, () => spawnWorker(bench.redisUrl, queue, 10)));
    try {
      await bench.run(mapWorkflow(queue, "noop", 500, 20));
      const perSecond: number[] = [];
      const perChild: number[] = [];
      const commands = new Map<string, number[]>();
      for (let round = 0; round < options.rounds; round++) {
        const before = await commandCalls(bench.admin);
        const started = performance.now();
        const output = await bench.run(mapWorkflow(queue, "noop", options.children, 20));
        const ms = performance.now() - started;
        const delta = callDelta(before, await commandCalls(bench.admin));
        if (output.results.length !== options.children) throw new Error("incomplete results");
        perSecond.push((options.children * 1000) / ms);
        perChild.push(delta.total / options.children);
        for (const [command, calls] of delta.byCommand) commands.set(command, [...(commands.get(command) ?? []), calls / options.children]);
        console.error(`scale: ${count} worker(s), round ${round + 1}: ${((options.children * 1000) / ms).toFixed(0)} children/s, ${(delta.total / options.children).toFixed(2)} commands/child`);
      }
      const byCommand = [...commands].map(([command, values]) => [command, median(values)] as [string, number]).sort((a, b) => b[1] - a[1]);
      rows.push({ workers: count, childrenPerSecond: perSecond, commandsPerChild: perChild, byCommand });
    } finally {
      await stopWorkers(workers);
    }
  }
  return rows;
}

export interface BackgroundCost {
  readonly settings: "default" | "bullmq";
  /** Commands per second per idle worker. */
  readonly idlePerWorkerPerSecond: number;
  /** Commands per second per worker running one long job (renewals included), beyond the job's own start and finish. */
  readonly busyPerWorkerPerSecond: number;
}

/**
 * Four idle workers for `seconds`, then the same four each running one job of `jobMs`: commands
 * per worker per second. With the default settings and with BullMQ's.
 */
export async function measureBackground(bench: ScaleBench, options: { seconds: number; jobMs: number }): Promise<BackgroundCost[]> {
  const out: BackgroundCost[] = [];
  for (const settings of ["default", "bullmq"] as const) {
    const queue = `background-${settings}`;
    const workers = await Promise.all(Array.from({ length: 4 }, () => spawnWorker(bench.redisUrl, queue, 1, settings === "bullmq" ? BULLMQ_DEFAULT_FLAGS : [])));
    try {
      await bench.run(mapWorkflow(queue, "noop", 8, 4));
      await new Promise((r) => setTimeout(r, 2_000));
      const idleBefore = await commandCalls(bench.admin);
      const idleStart = performance.now();
      await new Promise((r) => setTimeout(r, options.seconds * 1000));
      const idle = callDelta(idleBefore, await commandCalls(bench.admin));
      const idleSeconds = (performance.now() - idleStart) / 1000;
      // The same cost for a job of 20 ms (start and finish only) is subtracted from the long job's.
      const short = await commandsOfRun(bench, mapWorkflow(queue, "nap", 4, 4, { ms: 20 }));
      const long = await commandsOfRun(bench, mapWorkflow(queue, "nap", 4, 4, { ms: options.jobMs }));
      out.push({
        settings,
        idlePerWorkerPerSecond: idle.total / 4 / idleSeconds,
        busyPerWorkerPerSecond: (long.total - short.total) / 4 / (long.seconds - short.seconds),
      });
      console.error(`background (${settings}): idle ${out.at(-1)!.idlePerWorkerPerSecond.toFixed(2)}/s per worker, busy ${out.at(-1)!.busyPerWorkerPerSecond.toFixed(2)}/s per worker`);
    } finally {
      await stopWorkers(workers);
    }
  }
  return out;
}

async function commandsOfRun(bench: ScaleBench, workflow: Workflow): Promise<{ total: number; seconds: number }> {
  const before = await commandCalls(bench.admin);
  const started = performance.now();
  await bench.run(workflow);
  const seconds = (performance.now() - started) / 1000;
  return { total: callDelta(before, await commandCalls(bench.admin)).total, seconds };
}

/**
 * Recovery after a SIGKILL, `trials` times: two workers with the default settings; one job of a
 * node sleeping `jobMs`; the worker that started it is killed; measured: from the kill to the
 * job's start on the other worker (its marker file), and to the run's end.
 */
export async function measureRecovery(bench: ScaleBench, options: { trials: number; jobMs: number }): Promise<{ restartMs: number[]; resultMs: number[] }> {
  const queue = "recovery";
  const workers: ChildProcess[] = await Promise.all([spawnWorker(bench.redisUrl, queue, 1), spawnWorker(bench.redisUrl, queue, 1)]);
  const restartMs: number[] = [];
  const resultMs: number[] = [];
  const markers = mkdtempSync(join(tmpdir(), "blok-recovery-"));
  const readMarker = () => {
    try {
      const [pid, at] = readFileSync(join(markers, "started"), "utf8").split(" ").map(Number);
      // Read while being written (empty): not there yet.
      return pid && at ? { pid, at } : undefined;
    } catch {
      return undefined;
    }
  };
  const until = async <T>(probe: () => T | undefined, timeoutMs: number): Promise<T> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (performance.now() > deadline) throw new Error("recovery: timed out waiting");
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  try {
    for (let trial = 0; trial < options.trials; trial++) {
      rmSync(join(markers, "started"), { force: true });
      const run = bench.run(mapWorkflow(queue, "nap", 1, 1, { ms: options.jobMs, marker_dir: markers }));
      const first = await until(readMarker, 30_000);
      const victim = workers.find((worker) => worker.pid === first.pid);
      if (!victim) throw new Error(`recovery: the job started in an unknown process ${first.pid}`);
      const exited = new Promise((resolve) => victim.once("exit", resolve));
      const killedAt = Date.now();
      victim.kill("SIGKILL");
      await exited;
      const second = await until(() => {
        const marker = readMarker();
        return marker && marker.pid !== first.pid ? marker : undefined;
      }, 60_000);
      await run;
      resultMs.push(Date.now() - killedAt);
      restartMs.push(second.at - killedAt);
      console.error(`recovery ${trial + 1}/${options.trials}: restarted after ${second.at - killedAt} ms`);
      workers[workers.indexOf(victim)] = await spawnWorker(bench.redisUrl, queue, 1);
    }
  } finally {
    await stopWorkers(workers);
    rmSync(markers, { recursive: true, force: true });
  }
  return { restartMs, resultMs };
}
