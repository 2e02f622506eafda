/**
 * Case process, section 4: nested containers. A workflow loads an array into `ctx.vars.data`
 * (`set_var`), then runs a chain of `depth` containers, each the only child (map mode, one item)
 * of the one around it; the innermost container's child reads every element of `ctx.vars.data`
 * and sums it. Depth 0 is the same reader as a plain workflow step (no container, no view).
 *
 * Measured per run: the reader's own loop over the array (`read_ms`, timed inside the node: what
 * reading through `depth` levels of copy-on-write views costs) and the whole workflow run
 * (`run_ms`, every level's setup included). All depths live in one process and are interleaved
 * in rounds (the order rotates each round), so ratios against depth 1 are taken within a round,
 * on the same heap and the same phase of a shared machine, then the median over rounds.
 */
import { type Context, DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import type { Workflow } from "../../src/runner/index.js";
import { caseArgs, emit, median } from "./lib.js";

export type NestingShape = "number" | "record";

export interface NestingArgs {
  readonly shape: NestingShape;
  /** Elements of the array the reader sums. */
  readonly length: number;
  readonly depths: readonly number[];
  readonly rounds: number;
  readonly warmupRounds: number;
}

const args = caseArgs<NestingArgs>();
const data = Array.from({ length: args.length }, (_, i) => (args.shape === "number" ? i % 100 : { id: i, v: i % 100 }));
const expected = data.reduce<number>((sum, item) => sum + (typeof item === "number" ? item : item.v), 0);

let lastRead = { wall: Number.NaN, cpu: Number.NaN };
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const logger = new DefaultLogger({ enabled: false }); // as the CLI without --logs
const env = createEnvironment({
  nodes: {
    load: { handle: () => data },
    read: {
      handle: (ctx: Context) => {
        const started = performance.now();
        const startedCpu = cpuMs();
        const array = ctx.vars?.data as unknown as readonly unknown[];
        let sum = 0;
        if (args.shape === "number") for (let i = 0; i < array.length; i++) sum += array[i] as number;
        else for (let i = 0; i < array.length; i++) sum += (array[i] as { v: number }).v;
        lastRead = { wall: performance.now() - started, cpu: cpuMs() - startedCpu };
        return sum;
      },
    },
  },
});

/** A fresh document per run (the runner's first mapping pass writes into the document it is given). */
function workflow(depth: number): Workflow {
  const level = (n: number) => `level${n}`;
  const nodes: Record<string, unknown> = { data: {}, reader: {} };
  for (let n = 1; n <= depth; n++) {
    const child = n === depth ? { name: "reader", node: "read", type: "module" } : { name: level(n + 1), node: "parallel-execution", type: "module" };
    nodes[level(n)] = { map: { items: [n], node: child } };
  }
  const load = { name: "data", node: "load", type: "module", set_var: true };
  const first = depth === 0 ? { name: "reader", node: "read", type: "module" } : { name: level(1), node: "parallel-execution", type: "module" };
  return { name: `nesting-${depth}`, steps: [load, first], nodes } as unknown as Workflow;
}

/** The reader's output, found under `depth` levels of `results`. */
function innermost(output: unknown, depth: number): unknown {
  let value = output;
  for (let n = 0; n < depth; n++) value = (value as { results: unknown[] }).results[0];
  return value;
}

interface Times {
  readonly read_ms: number;
  readonly read_cpu_ms: number;
  readonly run_ms: number;
  readonly run_cpu_ms: number;
}

async function runOnce(depth: number): Promise<Times> {
  lastRead = { wall: Number.NaN, cpu: Number.NaN };
  const started = performance.now();
  const startedCpu = cpuMs();
  const { response } = await env.run(workflow(depth), { body: {}, logger });
  const run_ms = performance.now() - started;
  const run_cpu_ms = cpuMs() - startedCpu;
  const sum = innermost(response.data, depth);
  if (sum !== expected) throw new Error(`depth ${depth}: the reader returned ${JSON.stringify(sum)}, expected ${expected}`);
  return { read_ms: lastRead.wall, read_cpu_ms: lastRead.cpu, run_ms, run_cpu_ms };
}

const METRICS = ["read_ms", "read_cpu_ms", "run_ms", "run_cpu_ms"] as const;
// metric -> depth -> one value per round; and the same as a ratio to depth 1 of the same round
const values = Object.fromEntries(METRICS.map((metric) => [metric, {} as Record<number, number[]>]));
const ratios = Object.fromEntries(METRICS.map((metric) => [metric, {} as Record<number, number[]>]));
for (let round = -args.warmupRounds; round < args.rounds; round++) {
  const order = args.depths.map((_, i) => args.depths[(i + Math.max(round, 0)) % args.depths.length]!);
  const times: Record<number, Times> = {};
  for (const depth of order) times[depth] = await runOnce(depth);
  if (round < 0) continue;
  const base = times[1];
  for (const depth of args.depths) {
    for (const metric of METRICS) {
      (values[metric]![depth] ??= []).push(times[depth]![metric]);
      if (base) (ratios[metric]![depth] ??= []).push(times[depth]![metric] / base[metric]);
    }
  }
}
await env.close();

const summary = (table: Record<number, number[]>) => Object.fromEntries(args.depths.map((depth) => [depth, { median: median(table[depth] ?? []), all: table[depth] ?? [] }]));
emit({
  shape: args.shape,
  length: args.length,
  rounds: args.rounds,
  ...Object.fromEntries(METRICS.map((metric) => [metric, summary(values[metric]!)])),
  ...Object.fromEntries(METRICS.map((metric) => [`${metric}_x_depth1`, summary(ratios[metric]!)])),
});
