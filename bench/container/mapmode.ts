/**
 * Case process, section 3: map mode, one run per process.
 *
 * - `kind: "run"`: builds `n` small items, then runs a one-step workflow whose parallel-execution
 *   step has `map: { items, batch_size, node }` (`placement`: at the top of the node config or
 *   under `inputs`; `source`: `expr` = `"js/ctx.request.body.items"` with the items as the request
 *   body, `literal` = the array itself written into the workflow document). The batch node sums
 *   its batch (`"values": "js/ctx.item"`). Samples the used heap from inside every batch and from a
 *   timer, RSS from the timer and the kernel's high-water mark.
 * - `kind: "base"`: only builds the items and a results array of the same shape as the run's
 *   (one sum per batch) and measures what they hold: the "items and results themselves".
 */
import { DefaultLogger } from "../../src/blok/index.js";
import { createEnvironment } from "../../src/environment/index.js";
import type { Workflow } from "../../src/runner/index.js";
import { batchSum, caseArgs, collect, emit, heapUsed, type ItemShape, mapItems, maxRss, PeakProbe, youngCapacity } from "./lib.js";

export interface MapArgs {
  readonly kind: "run" | "base";
  readonly n: number;
  readonly shape: ItemShape;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly placement: "top" | "inputs";
  readonly source: "expr" | "literal";
}

const args = caseArgs<MapArgs>();
const batches = Math.ceil(args.n / args.batchSize);
const expected = (items: unknown[]) => Array.from({ length: batches }, (_, i) => batchSum(items.slice(i * args.batchSize, (i + 1) * args.batchSize)));

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
  const probe = new PeakProbe();
  /** Second run only: the batch at which a full GC measures what the run holds (not garbage). */
  let liveAt = -1;
  let liveHeap = 0;
  const logger = new DefaultLogger({ enabled: false }); // as the CLI without --logs (src/cli/runCommand.ts)
  const env = createEnvironment({
    nodes: {
      sum: {
        handle(ctx: { index?: number }, inputs: { values: unknown[] }) {
          probe.sample();
          if (ctx.index === liveAt) {
            collect();
            liveHeap = heapUsed();
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

  const items = mapItems(args.n, args.shape);
  collect();
  const heapItems = heapUsed();
  const young = youngCapacity();
  // A fresh document per run: the runner's first mapping pass writes its results into the document it is given.
  const makeWorkflow = (): Workflow => {
    const map = { items: args.source === "expr" ? "js/ctx.request.body.items" : items, batch_size: args.batchSize, node: { name: "batch", node: "sum", type: "module" } };
    const config = { execution: { max_concurrent: args.concurrency }, map };
    return {
      name: "map-mode",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: { fan: args.placement === "inputs" ? { inputs: config } : config, batch: { inputs: { values: "js/ctx.item" } } },
    } as unknown as Workflow;
  };
  const workflow = makeWorkflow();
  type Output = { results: number[]; execution_info: { completed: number; concurrent_peak: number } };
  // Only the output leaves this function: a run awaited at the top level would stay referenced
  // from the module's suspended frame (context, configs and all) until the next await, and the
  // second run's "held" figure would then be measured against a heap still holding the first run.
  const runOnce = async (document: Workflow): Promise<Output> => (await env.run(document, { body: { items }, logger })).response.data as Output;

  probe.start(2);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const output = await runOnce(workflow);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  probe.stop();

  const want = expected(items);
  const check = (out: Output) => {
    if (out.results.length !== batches || out.results.some((sum, i) => sum !== want[i])) throw new Error("map mode returned wrong sums");
    if (out.execution_info.completed !== batches) throw new Error("not every batch completed");
  };
  check(output);

  // A second run of the same workflow, in this process after a full GC, only to see what is live
  // (after a full GC) half-way through: what the run holds, as opposed to garbage not yet collected.
  const second = makeWorkflow();
  liveAt = Math.floor(batches / 2);
  collect();
  const liveBase = heapUsed();
  check(await runOnce(second));
  emit({
    ...args,
    wall_ms: wallMs,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    batches,
    concurrent_peak: output.execution_info.concurrent_peak,
    heap_base: heap0,
    heap_items_in_process: heapItems - heap0,
    young_capacity: young,
    heap_peak: probe.heapPeak,
    heap_peak_growth: probe.heapPeak - heap0,
    // Held half-way through the second run, above the heap with the items built (so: excluding the items).
    live_mid_run_above_items: liveHeap - liveBase,
    rss_base: rss0,
    rss_peak_sampled_growth: probe.rssPeak - rss0,
    // The kernel's high-water mark covers the whole process (conservative: a start-up peak above rss0 would count too).
    rss_peak_growth: maxRss() - rss0,
    max_rss_before_items: maxRss0,
    max_rss: maxRss(),
  });
}
