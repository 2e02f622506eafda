/**
 * Case process, section 3: map mode, one run per process.
 *
 * - `kind: "run"`: builds `n` small items, then runs a one-step workflow whose parallel-execution
 *   step has `map: { items, batch_size, node }` (`placement`: at the top of the node config or
 *   under `inputs`; `source`: `expr` = `"js/ctx.request.body.items"` with the items as the request
 *   body, `literal` = the array itself written into the workflow document, `file` = that same
 *   document written to a JSON file and run from its path, as the CLI does). The batch node sums
 *   its batch (`"values": "js/ctx.item"`). Samples the used heap from inside every batch and from a
 *   timer, RSS from the timer and the kernel's high-water mark.
 * - `kind: "floor"`: the same process setup (environment first, same items), then no container: a
 *   plain loop that slices each batch (a child's own copy, the least an isolating run makes), sums
 *   it and yields a microtask, sampled the same way: the peak any isolating run pays in this process.
 * - `kind: "base"`: only builds the items and a results array of the same shape as the run's
 *   (one sum per batch) and measures what they hold: the "items and results themselves".
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/composition/index.js";
import type { Workflow } from "../../src/runner/index.js";
import { batchSum, caseArgs, collect, emit, heapUsed, type ItemShape, LIVE_POINTS, mapItems, maxRss, PeakProbe, youngCapacity } from "./lib.js";

export interface MapArgs {
  readonly kind: "run" | "floor" | "base";
  readonly n: number;
  readonly shape: ItemShape;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly placement: "top" | "inputs";
  readonly source: "expr" | "literal" | "file";
}

const args = caseArgs<MapArgs>();
const batches = Math.ceil(args.n / args.batchSize);
const batchOf = (items: unknown[], i: number) => items.slice(i * args.batchSize, (i + 1) * args.batchSize);
const expected = (items: unknown[]) => Array.from({ length: batches }, (_, i) => batchSum(batchOf(items, i)));

if (args.kind === "base") {
  collect();
  const heap0 = heapUsed();
  const rss0 = process.memoryUsage.rss();
  const items = mapItems(args.n, args.shape);
  collect();
  const itemsHeap = heapUsed() - heap0;
  const results = expected(items);
  collect();
  emit({
    ...args,
    items_heap: itemsHeap,
    results_heap: heapUsed() - heap0 - itemsHeap,
    heap: heapUsed() - heap0,
    rss: process.memoryUsage.rss() - rss0,
    check: results.length + items.length,
  });
} else {
  await measureRun();
}

/** The `run` and `floor` kinds: one measured pass (no forced GC), and for `run` a second pass that stops for full GCs. */
async function measureRun(): Promise<void> {
  const probe = new PeakProbe();
  /** Second run only: batch index -> used heap after a full GC in that batch (what the run holds, not garbage). */
  const live = new Map<number, number>();
  const logger = new DefaultLogger({ enabled: false }); // as the CLI without --logs (src/cli/runCommand.ts)
  // Created in every kind, the floor's too: loading it is part of what sizes the young generation.
  const env = createEnvironment({
    nodes: {
      sum: {
        handle(ctx: { index?: number }, inputs: { values: unknown[] }) {
          probe.sample();
          if (ctx.index !== undefined && live.has(ctx.index)) {
            collect();
            live.set(ctx.index, heapUsed());
          }
          return batchSum(inputs.values);
        },
      },
    },
  });
  collect();
  const heap0 = heapUsed();
  const rss0 = process.memoryUsage.rss();
  const maxRss0 = maxRss();

  // The `file` source builds the same items, but only to write them out: the runner parses its own.
  const file = args.source === "file" ? writeWorkflowFile() : undefined;
  const items = file ? [] : mapItems(args.n, args.shape);
  collect();
  const heapItems = heapUsed();
  // Measured on an empty young generation, after building the items grew it (as in the floor).
  const young = youngCapacity();
  type Output = { results: number[]; execution_info: { completed: number; concurrent_peak: number } };
  // A fresh document per run: the runner's first mapping pass writes its results into the document it is given.
  // Only the output leaves this function: a run awaited at the top level would stay referenced
  // from the module's suspended frame (context, configs and all) until the next await, and the
  // second run's "held" figure would then be measured against a heap still holding the first run.
  // The file goes by its path with no body, exactly as `blok-parallel run <file>` calls env.run.
  const runOnce = async (): Promise<Output> =>
    (file ? await env.run(file, { logger }) : await env.run(workflowWith(args.source === "expr" ? "js/ctx.request.body.items" : items), { body: { items }, logger })).response.data as Output;

  probe.start(2);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const output = args.kind === "floor" ? { results: await sliceAndSum(items, probe), execution_info: { completed: batches, concurrent_peak: 1 } } : await runOnce();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  probe.stop();

  const want = expected(file ? mapItems(args.n, args.shape) : items);
  const check = (out: Output) => {
    if (out.results.length !== batches || out.results.some((sum, i) => sum !== want[i])) throw new Error("map mode returned wrong sums");
    if (out.execution_info.completed !== batches) throw new Error("not every batch completed");
  };
  check(output);
  const measured = {
    ...args,
    ...(file ? { file_bytes: statSync(file).size } : {}),
    wall_ms: wallMs,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    batches,
    heap_base: heap0,
    heap_items_in_process: heapItems - heap0,
    young_capacity: young,
    heap_peak: probe.heapPeak,
    heap_peak_growth: probe.heapPeak - heap0,
  };
  if (args.kind === "floor") {
    emit(measured);
    return;
  }

  // A second run of the same workflow, in this process after a full GC, only to see what is live
  // (after a full GC) at evenly spaced batches: what the run holds, as opposed to garbage not yet collected.
  for (let k = 1; k <= LIVE_POINTS; k++) live.set(Math.min(batches - 1, Math.floor((k * batches) / LIVE_POINTS)), Number.NaN);
  collect();
  const liveBase = heapUsed();
  check(await runOnce());
  if (file) rmSync(path.dirname(file), { recursive: true, force: true });
  // The heap before the items, as the second run found it (the first run's small output included).
  const beforeItems = liveBase - (heapItems - heap0);
  emit({
    ...measured,
    concurrent_peak: output.execution_info.concurrent_peak,
    // Held half-way through the second run, above the heap with the items built (so: excluding the
    // items; not defined for the file source, whose items exist only inside the run).
    live_mid_run_above_items: file ? Number.NaN : live.get(Math.floor(batches / 2))! - liveBase,
    // The most the second run held at any of its full GCs, above the heap before the items (so: including them).
    live_peak_growth: Math.max(...live.values()) - beforeItems,
    rss_base: rss0,
    rss_peak_sampled_growth: probe.rssPeak - rss0,
    // The kernel's high-water mark covers the whole process (conservative: a start-up peak above rss0 would count too).
    rss_peak_growth: maxRss() - rss0,
    max_rss_before_items: maxRss0,
    max_rss: maxRss(),
  });
}

/** The one-step workflow document whose container maps `mapItems` (an expression or the array itself). */
function workflowWith(mapItems: string | unknown[]): Workflow {
  const map = { items: mapItems, batch_size: args.batchSize, node: { name: "batch", node: "sum", type: "module" } };
  const config = { execution: { max_concurrent: args.concurrency }, map };
  return {
    name: "map-mode",
    steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
    nodes: { fan: args.placement === "inputs" ? { inputs: config } : config, batch: { inputs: { values: "js/ctx.item" } } },
  } as unknown as Workflow;
}

/** Writes the `literal` document to a temporary JSON file (the items built here are garbage once it is written). */
function writeWorkflowFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "bench-mapmode-")), "workflow.json");
  writeFileSync(file, JSON.stringify(workflowWith(mapItems(args.n, args.shape))));
  return file;
}

/** The floor: each batch sliced (its own copy), sampled where the batch node samples, summed, then a microtask yield. */
async function sliceAndSum(items: unknown[], probe: PeakProbe): Promise<number[]> {
  const sums: number[] = [];
  for (let i = 0; i < batches; i++) {
    const batch = batchOf(items, i);
    probe.sample();
    sums.push(batchSum(batch));
    await Promise.resolve();
  }
  return sums;
}
