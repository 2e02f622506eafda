/**
 * Turns the case processes' raw outputs into medians, ratios and verdicts (summarize), and those
 * into docs/bench/container.md (renderMarkdown). Every figure in the document comes from the run.
 */
import { LIVE_POINTS, median } from "./lib.js";
import type { MapArgs } from "./mapmode.js";
import type { Variant } from "./overhead.js";

type Raw = { overhead: Record<string, any>[]; map: Record<string, any>[]; nesting?: Record<string, any>[] };

/** The issues' targets (nesting: issue 12, reading through depth 8 and 16 against depth 1). */
export const TARGETS = { isolation_time_x_clone: 3, isolation_memory_x_context: 3, map_peak_x_items_results: 2, nesting_read_x_depth1: 1.5, nesting_judged_depths: [8, 16] } as const;

// Rows of a case that failed carry NaN: the report's medians are of the finite ones.
const med = <T>(rows: readonly T[], pick: (row: T) => number) => median(rows.map(pick).filter((v) => Number.isFinite(v)));
const verdict = (ratio: number, limit: number) => (Number.isNaN(ratio) ? "n/a" : ratio <= limit ? "PASS" : "MISS");

export function summarize(raw: Raw, _meta: unknown) {
  const variants = [...new Set(raw.overhead.map((r) => r.variant as Variant))];
  const overhead = variants.map((variant) => {
    const rows = raw.overhead.filter((r) => r.variant === variant);
    const wall = (cell: string) => (r: any) => r.wall_ms[cell]?.median ?? Number.NaN;
    const cpu = (cell: string) => (r: any) => r.cpu_ms[cell]?.median ?? Number.NaN;
    const peak = (cell: string) => (r: any) => r.peak_growth_bytes[cell]?.median ?? Number.NaN;
    const live = (cell: string) => (r: any) => r.live_bytes[cell]?.median ?? Number.NaN;
    const cells = Object.fromEntries(
      ["container", "steps", "core"].flatMap((mode) =>
        ["1kb", "10mb"].map((size) => {
          const cell = `${mode}/${size}`;
          return [cell, { wall_ms: med(rows, wall(cell)), cpu_ms: med(rows, cpu(cell)), peak_growth_bytes: med(rows, peak(cell)), live_bytes: med(rows, live(cell)) }];
        }),
      ),
    );
    // Ratios and differences are taken within each process (same run), then the median over passes.
    const ratio = (a: (r: any) => number, b: (r: any) => number) => med(rows, (r) => a(r) / b(r));
    const diff = (a: (r: any) => number, b: (r: any) => number) => med(rows, (r) => a(r) - b(r));
    const bigHeap = (r: any) => r.context.big_heap as number;
    const cloneMs = (r: any) => r.clone.ms as number;
    const cloneCpu = (r: any) => r.clone.cpu_ms as number;
    const sizeCostWall = (r: any) => wall("container/10mb")(r) - wall("container/1kb")(r);
    const sizeCostCpu = (r: any) => cpu("container/10mb")(r) - cpu("container/1kb")(r);
    const overCoreWall = (r: any) => wall("container/10mb")(r) - wall("core/10mb")(r);
    const overCoreCpu = (r: any) => cpu("container/10mb")(r) - cpu("core/10mb")(r);
    const clone20 = rows.map((r) => r.clone20).filter(Boolean);
    const isolation = {
      clone_ms: med(rows, cloneMs),
      clone_cpu_ms: med(rows, cloneCpu),
      clone_heap_bytes: med(rows, (r) => r.clone.heap),
      clone20_ms: clone20.length ? med(clone20, (c: any) => c.ms) : Number.NaN,
      clone20_cpu_ms: clone20.length ? med(clone20, (c: any) => c.cpu_ms) : Number.NaN,
      clone20_heap_bytes: clone20.length ? med(clone20, (c: any) => c.heap) : Number.NaN,
      // Time: the size-attributable cost (10 MB run minus 1 KB run), and an upper bound (10 MB container run minus the core run).
      size_cost_ms: med(rows, sizeCostWall),
      size_cost_cpu_ms: med(rows, sizeCostCpu),
      size_cost_x_clone: ratio(sizeCostWall, cloneMs),
      size_cost_cpu_x_clone: ratio(sizeCostCpu, cloneCpu),
      over_core_ms: med(rows, overCoreWall),
      over_core_cpu_ms: med(rows, overCoreCpu),
      over_core_x_clone: ratio(overCoreWall, cloneMs),
      over_core_cpu_x_clone: ratio(overCoreCpu, cloneCpu),
      // Memory: the whole 10 MB container run's heap peak above its start (no GC during the run), its
      // difference to the 1 KB run, and what is live when all the children are in flight.
      peak_bytes: med(rows, peak("container/10mb")),
      peak_x_context: ratio(peak("container/10mb"), bigHeap),
      peak_minus_1kb_bytes: diff(peak("container/10mb"), peak("container/1kb")),
      live_bytes: med(rows, live("container/10mb")),
      live_x_context: ratio(live("container/10mb"), bigHeap),
      time_verdict: "",
      memory_verdict: "",
    };
    isolation.time_verdict = verdict(Math.max(isolation.size_cost_x_clone, isolation.size_cost_cpu_x_clone), TARGETS.isolation_time_x_clone);
    isolation.memory_verdict = verdict(isolation.peak_x_context, TARGETS.isolation_memory_x_context);
    return {
      variant,
      processes: rows.length,
      context: {
        small_json_bytes: med(rows, (r) => r.context.small_json),
        big_json_bytes: med(rows, (r) => r.context.big_json),
        big_records: med(rows, (r) => r.context.big_records),
        big_heap_bytes: med(rows, bigHeap),
      },
      cells,
      container_x_core: { "1kb": ratio(wall("container/1kb"), wall("core/1kb")), "10mb": ratio(wall("container/10mb"), wall("core/10mb")) },
      container_x_core_cpu: { "1kb": ratio(cpu("container/1kb"), cpu("core/1kb")), "10mb": ratio(cpu("container/10mb"), cpu("core/10mb")) },
      container_x_steps: { "1kb": ratio(wall("container/1kb"), wall("steps/1kb")), "10mb": ratio(wall("container/10mb"), wall("steps/10mb")) },
      isolation,
    };
  });

  const bases = raw.map.filter((r) => r.kind === "base");
  const runs = raw.map.filter((r) => r.kind === "run");
  const baseFor = (n: number, shape: string) => {
    const rows = bases.filter((b) => b.n === n && b.shape === shape);
    return rows.length ? { heap: med(rows, (r) => r.heap), items_heap: med(rows, (r) => r.items_heap), results_heap: med(rows, (r) => r.results_heap), rss: med(rows, (r) => r.rss) } : undefined;
  };
  const floorFor = (n: number, shape: string) => {
    const rows = raw.map.filter((r) => r.kind === "floor" && r.n === n && r.shape === shape);
    return { heap_peak_growth: med(rows, (r) => r.heap_peak_growth), young_capacity: med(rows, (r) => r.young_capacity) };
  };
  const configs = [...new Map(runs.map((r) => [`${r.n}/${r.shape}/${r.placement}/${r.source}`, r as unknown as MapArgs])).values()];
  const map = configs.map((config) => {
    const rows = runs.filter((r) => r.n === config.n && r.shape === config.shape && r.placement === config.placement && r.source === config.source);
    const base = baseFor(config.n, config.shape);
    const heapPeak = med(rows, (r) => r.heap_peak_growth);
    const rssPeak = med(rows, (r) => r.rss_peak_growth);
    const heapX = base ? heapPeak / base.heap : Number.NaN;
    const rssX = base ? rssPeak / base.rss : Number.NaN;
    const floor = floorFor(config.n, config.shape);
    const livePeak = med(rows, (r) => r.live_peak_growth);
    return {
      n: config.n,
      shape: config.shape,
      placement: config.placement,
      source: config.source,
      processes: rows.length,
      batches: med(rows, (r) => r.batches),
      concurrent_peak: med(rows, (r) => r.concurrent_peak),
      wall_ms: med(rows, (r) => r.wall_ms),
      cpu_ms: med(rows, (r) => r.cpu_ms),
      heap_peak_growth_bytes: heapPeak,
      rss_peak_growth_bytes: rssPeak,
      rss_peak_sampled_growth_bytes: med(rows, (r) => r.rss_peak_sampled_growth),
      items_results_heap_bytes: base?.heap ?? Number.NaN,
      items_results_rss_bytes: base?.rss ?? Number.NaN,
      heap_x_items_results: heapX,
      rss_x_items_results: rssX,
      heap_overhead_bytes: base ? heapPeak - base.heap : Number.NaN,
      heap_overhead_per_item_bytes: base ? (heapPeak - base.heap) / config.n : Number.NaN,
      // What the run holds (after a full GC half-way through a second run), above the items.
      live_above_items_bytes: med(rows, (r) => r.live_mid_run_above_items),
      live_above_items_per_item_bytes: med(rows, (r) => r.live_mid_run_above_items) / config.n,
      // Young-generation room when the run starts: garbage can reach this before V8 scavenges.
      young_capacity_bytes: med(rows, (r) => r.young_capacity),
      // The floor: a plain slice-and-sum loop over the same items in a process set up the same way
      // (other processes, so the difference is of medians).
      floor_peak_growth_bytes: floor.heap_peak_growth,
      floor_young_capacity_bytes: floor.young_capacity,
      floor_x_items_results: base ? floor.heap_peak_growth / base.heap : Number.NaN,
      peak_minus_floor_bytes: heapPeak - floor.heap_peak_growth,
      // What the run needs at its worst: the most held at the second run's full GCs, above the heap before the items.
      live_peak_bytes: livePeak,
      live_peak_x_items_results: base ? livePeak / base.heap : Number.NaN,
      // The workflow file's size (the `file` source only).
      file_bytes: med(rows, (r) => r.file_bytes),
      heap_verdict: verdict(heapX, TARGETS.map_peak_x_items_results),
      rss_verdict: verdict(rssX, TARGETS.map_peak_x_items_results),
    };
  });
  const baselines = [...new Map(bases.map((b) => [`${b.n}/${b.shape}`, b])).values()].map((b) => ({ n: b.n as number, shape: b.shape as string, ...baseFor(b.n, b.shape)! }));
  return { targets: TARGETS, overhead, map, baselines, nesting: summarizeNesting(raw.nesting ?? []) };
}

/** Per shape and depth: medians over the processes of each process's median over its rounds. */
function summarizeNesting(rows: readonly Record<string, any>[]) {
  const shapes = [...new Set(rows.map((r) => r.shape as string))];
  return shapes.map((shape) => {
    const mine = rows.filter((r) => r.shape === shape);
    const depths = [...new Set(mine.flatMap((r) => Object.keys(r.read_ms).map(Number)))].sort((a, b) => a - b);
    const pick = (metric: string, depth: number) => med(mine, (r) => r[metric]?.[depth]?.median ?? Number.NaN);
    return {
      shape,
      length: mine[0]?.length as number,
      rounds: mine[0]?.rounds as number,
      processes: mine.length,
      depths: depths.map((depth) => {
        const readX = pick("read_ms_x_depth1", depth);
        const readCpuX = pick("read_cpu_ms_x_depth1", depth);
        const judged = (TARGETS.nesting_judged_depths as readonly number[]).includes(depth);
        return {
          depth,
          read_ms: pick("read_ms", depth),
          read_cpu_ms: pick("read_cpu_ms", depth),
          run_ms: pick("run_ms", depth),
          run_cpu_ms: pick("run_cpu_ms", depth),
          read_x_depth1: readX,
          read_cpu_x_depth1: readCpuX,
          run_x_depth1: pick("run_ms_x_depth1", depth),
          run_cpu_x_depth1: pick("run_cpu_ms_x_depth1", depth),
          // Judged on the worse of wall and CPU time.
          verdict: judged ? verdict(Math.max(readX, readCpuX), TARGETS.nesting_read_x_depth1) : undefined,
        };
      }),
    };
  });
}

type Summary = ReturnType<typeof summarize>;

// ---- formatting -----------------------------------------------------------------------------
const MB = 1024 * 1024;
function num(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(Math.max(1, digits - 1));
}
const ms = (value: number) => (Number.isFinite(value) ? `${num(value)} ms` : "n/a");
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / MB).toFixed(bytes / MB >= 100 ? 0 : bytes / MB >= 1 ? 1 : 2)} MB` : "n/a");
const x = (ratio: number) => (Number.isFinite(ratio) ? `${num(ratio)}x` : "n/a");
const count = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const table = (head: string[], rows: string[][]) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const VARIANT_TEXT: Record<string, string> = {
  read: "reads `ctx.vars.data.slice(0, 10)` only",
  "write-vars": "also sets a key of `ctx.vars`",
  "write-record": "also sets a field of one record of the dataset",
  "write-array": "also replaces one element of the dataset array",
};

export function renderMarkdown(summary: Summary, meta: Record<string, any>): string {
  const out: string[] = [];
  const read = summary.overhead.find((o) => o.variant === "read") ?? summary.overhead[0]!;
  const ctx = read.context;
  out.push("# Benchmark: the parallel-execution container", "");
  out.push(
    `Generated by \`bench/container/run.ts\` (every figure below comes from that run; raw per-process output in \`${meta.json}\`).`,
    "",
    `- Date: ${meta.date}`,
    `- Machine: ${meta.cores} cores (\`os.availableParallelism()\`), ${meta.cpu_model}, ${mb(meta.total_memory)} RAM; load average ${meta.load_average_start.map((l: number) => l.toFixed(1)).join(" / ")} at start, ${meta.load_average_end.map((l: number) => l.toFixed(1)).join(" / ")} at end (a shared machine: wall times are noisy, CPU times less so)`,
    `- Node ${meta.node}; code: git \`${String(meta.git_head).slice(0, 12)}\`${meta.git_dirty_src.length ? ` plus uncommitted changes in ${meta.git_dirty_src.length} file(s) under src/ (the working tree as it was, built once at the start)` : ""}`,
    `- Command: \`${meta.command}\` (${meta.passes} pass${meta.passes === 1 ? "" : "es"}, ${num(meta.duration_s)} s)`,
    "",
    "Method. Every case runs in a fresh `node --expose-gc` process; the case scripts and this checkout's `src/` are bundled with tsup first, as the package ships (no tsx `keepNames` wrappers). The whole set of cases is repeated once per pass, interleaved; tables show the median over passes. Ratios are computed inside each process (both sides measured in the same run) before taking the median. Peak heap is V8's used heap sampled from inside every child and from a 2 ms timer, above a baseline taken after a full GC; no GC is forced during a measured run, so garbage not yet collected counts as peak memory. Runs use a disabled `DefaultLogger` (`enabled: false`), as the CLI does without `--logs`: no log line is built.",
    "",
  );

  // ---- verdicts at a glance
  const iso = summary.overhead.map((o) => ({ variant: o.variant, ...o.isolation }));
  const worst = <T>(list: T[], pick: (t: T) => number) => list.reduce((a, b) => (pick(b) > pick(a) ? b : a));
  const glance: string[][] = [];
  if (iso.length) {
    const t = worst(iso, (i) => Math.max(i.size_cost_x_clone, i.size_cost_cpu_x_clone));
    glance.push([`Isolating ${meta.plan.children} children over the 10 MB context, time`, `<= ${TARGETS.isolation_time_x_clone}x one structuredClone`, `${x(Math.max(t.size_cost_x_clone, t.size_cost_cpu_x_clone))} (worst variant: ${t.variant})`, `**${iso.every((i) => i.time_verdict === "PASS") ? "PASS" : "MISS"}**`]);
    const m = worst(iso, (i) => i.peak_x_context);
    glance.push([`Isolating ${meta.plan.children} children over the 10 MB context, extra peak memory`, `<= ${TARGETS.isolation_memory_x_context}x the context's size`, `${x(m.peak_x_context)} (worst variant: ${m.variant})`, `**${iso.every((i) => i.memory_verdict === "PASS") ? "PASS" : "MISS"}**`]);
  }
  const groups: [string, (m: Summary["map"][number]) => boolean][] = [
    ["`{ id, v }` items from an expression", (m) => m.source === "expr" && m.shape === "object"],
    ["plain numbers from an expression", (m) => m.source === "expr" && m.shape === "number"],
    ["`{ id, v }` items written into the workflow document", (m) => m.source === "literal"],
    ["`{ id, v }` items in a workflow file run from its path (as the CLI)", (m) => m.source === "file"],
  ];
  for (const [label, match] of groups) {
    const list = summary.map.filter((m) => m.n === 1_000_000 && match(m));
    if (!list.length) continue;
    const w = worst(list, (m) => m.heap_x_items_results);
    glance.push([`Map mode, 1M ${label}, batch_size ${meta.plan.batch_size}: peak heap`, `<= ${TARGETS.map_peak_x_items_results}x items + results`, `${x(w.heap_x_items_results)} (worst placement: ${w.placement}; RSS ${x(w.rss_x_items_results)})`, `**${list.every((m) => m.heap_verdict === "PASS") ? "PASS" : "MISS"}**`]);
  }
  for (const shape of summary.nesting) {
    for (const row of shape.depths.filter((d) => d.verdict)) {
      glance.push([`Nesting: a child ${row.depth} containers deep reading ${count(shape.length)} ${NESTING_SHAPE_TEXT[shape.shape] ?? shape.shape} from \`ctx.vars\``, `<= ${TARGETS.nesting_read_x_depth1}x depth 1`, `${x(row.read_x_depth1)} wall, ${x(row.read_cpu_x_depth1)} CPU`, `**${row.verdict}**`]);
    }
  }
  out.push("## Targets at a glance", "", table(["what", "target", "measured (median)", "verdict"], glance), "");

  // ---- 1. overhead
  out.push(`## 1. Container overhead: ${meta.plan.children} trivial children`, "");
  out.push(
    `A workflow whose first step (\`set_var\`) puts the dataset in \`ctx.vars.data\`, then the container step runs ${meta.plan.children} \`module\` children (explicit \`nodes\` list, \`max_concurrent\` ${meta.plan.children}), each with inputs \`{ "slice": "js/ctx.vars.data.slice(0, 10)" }\`. Compared with the same ${meta.plan.children} nodes as plain sequential workflow steps (Blok step semantics without the container or isolation) and with ${meta.plan.children} trivial async children straight through \`executeParallel\` (core, one shared context, no Blok). Context: "1 KB" is ${ctx.small_json_bytes} bytes of JSON; "10 MB" is ${count(ctx.big_records)} records, ${mb(ctx.big_json_bytes)} of JSON, ${mb(ctx.big_heap_bytes)} of heap.`,
    "",
  );
  const rows1: string[][] = [];
  for (const o of summary.overhead) {
    for (const size of ["1kb", "10mb"] as const) {
      const c = o.cells;
      rows1.push([
        o.variant,
        size === "1kb" ? "1 KB" : "10 MB",
        `${ms(c[`container/${size}`]!.wall_ms)} (${ms(c[`container/${size}`]!.cpu_ms)})`,
        `${ms(c[`steps/${size}`]!.wall_ms)} (${ms(c[`steps/${size}`]!.cpu_ms)})`,
        `${ms(c[`core/${size}`]!.wall_ms)} (${ms(c[`core/${size}`]!.cpu_ms)})`,
        `${x(o.container_x_core[size])} (${x(o.container_x_core_cpu[size])})`,
        x(o.container_x_steps[size]),
      ]);
    }
  }
  out.push(table(["variant", "context", "container per run, wall (CPU)", `${meta.plan.children} plain steps`, "core executeParallel", "container / core, wall (CPU)", "container / steps"], rows1), "");
  out.push(`Variants: ${summary.overhead.map((o) => `\`${o.variant}\`: every child ${VARIANT_TEXT[o.variant] ?? o.variant}`).join("; ")}.`, "");

  // ---- 2. isolation
  out.push("## 2. Isolation cost against one structuredClone of the 10 MB context", "");
  out.push(
    `Targets: isolating ${meta.plan.children} children over the 10 MB context costs at most ${TARGETS.isolation_time_x_clone}x one \`structuredClone\` of it in time, and at most ${TARGETS.isolation_memory_x_context}x its size (${mb(ctx.big_heap_bytes)} of heap) in extra peak memory; ${meta.plan.children} full copies would be ${meta.plan.children}x. The clone is of \`{ request, vars: { data }, config }\` and is timed in the same process as the runs. Time is judged on the size-attributable cost (the 10 MB container run minus the 1 KB one, interleaved in the same process), on wall and CPU time; "upper bound" is the whole 10 MB container run minus the core run. Memory is judged on the whole 10 MB container run's heap peak above its start (everything it allocates, not only isolation); "live" is what the heap holds, after a full GC, while all ${meta.plan.children} children are in flight.`,
    "",
  );
  const rows2 = summary.overhead.map((o) => {
    const i = o.isolation;
    return [
      o.variant,
      `${ms(i.size_cost_ms)} (${ms(i.size_cost_cpu_ms)})`,
      `${ms(i.clone_ms)} (${ms(i.clone_cpu_ms)})`,
      `${x(i.size_cost_x_clone)} (${x(i.size_cost_cpu_x_clone)})`,
      `${ms(i.over_core_ms)}: ${x(i.over_core_x_clone)}`,
      `**${i.time_verdict}**`,
    ];
  });
  out.push("Time:", "", table(["variant", "10 MB minus 1 KB run, wall (CPU)", "one structuredClone, wall (CPU)", "ratio, wall (CPU)", "upper bound: minus core, and x clone", `target <= ${TARGETS.isolation_time_x_clone}x`], rows2), "");
  const rows3 = summary.overhead.map((o) => {
    const i = o.isolation;
    return [o.variant, mb(i.peak_bytes), x(i.peak_x_context), mb(i.peak_minus_1kb_bytes), `${mb(i.live_bytes)} (${x(i.live_x_context)})`, mb(i.clone_heap_bytes), `**${i.memory_verdict}**`];
  });
  out.push("Memory:", "", table(["variant", "peak heap of the 10 MB run", "x context size", "minus the 1 KB run", `live, ${meta.plan.children} in flight (x context)`, "one clone's heap", `target <= ${TARGETS.isolation_memory_x_context}x`], rows3), "");
  const c20 = summary.overhead.find((o) => Number.isFinite(o.isolation.clone20_ms))?.isolation;
  if (c20) {
    out.push(
      `For contrast, ${meta.plan.children} structuredClones (what copying the context for each child would cost), measured in the same processes: ${ms(c20.clone20_ms)} wall (${ms(c20.clone20_cpu_ms)} CPU), ${mb(c20.clone20_heap_bytes)} of heap: ${x(c20.clone20_ms / c20.clone_ms)} one clone's time and ${x(c20.clone20_heap_bytes / ctx.big_heap_bytes)} the context's size.`,
      "",
    );
  }

  // ---- 3. map mode
  out.push("## 3. Map mode", "");
  out.push(
    `\`map: { items, batch_size: ${meta.plan.batch_size}, node }\` with \`max_concurrent\` ${meta.plan.max_concurrent_map}; the batch node sums its batch (\`"values": "js/ctx.item"\`), one run per process. Items are \`{ id, v }\` objects unless marked "numbers". Source \`expr\`: \`"items": "js/ctx.request.body.items"\` with the array as the request body (the documented way: items from an expression); \`literal\`: the array itself written into the workflow document's node config, run as a document the caller keeps (the runner copies its configs); \`file\`: that same document written to a JSON file and run from its path, as \`blok-parallel run\` does (parsed for this run, so not copied; the peak includes the file's text). Placement: the container config under \`inputs\` or at the top of the node config. "Items + results" is the heap (and RSS) a fresh process needs just to build the items array and a results array of the same shape (one sum per batch). Peak growth is measured from before the items are built, so it includes them. Target: peak <= ${TARGETS.map_peak_x_items_results}x items + results.`,
    "",
  );
  const million = summary.map.filter((m) => m.n === 1_000_000);
  const row = (m: Summary["map"][number]) => [
    `${count(m.n)}${m.shape === "number" ? " numbers" : ""}`,
    m.source,
    m.placement,
    `${ms(m.wall_ms)} (${ms(m.cpu_ms)})`,
    mb(m.items_results_heap_bytes),
    mb(m.heap_peak_growth_bytes),
    `${x(m.heap_x_items_results)} **${m.heap_verdict}**`,
    mb(m.items_results_rss_bytes),
    mb(m.rss_peak_growth_bytes),
    `${x(m.rss_x_items_results)} **${m.rss_verdict}**`,
  ];
  const head3 = ["items", "source", "placement", "wall (CPU)", "items + results, heap", "peak heap growth", "x, target 2x", "items + results, RSS", "peak RSS growth", "x, target 2x"];
  out.push(table(head3, million.map(row)), "");
  const scaling = summary.map.filter((m) => m.source === "expr" && m.shape === "object").sort((a, b) => a.placement.localeCompare(b.placement) || a.n - b.n);
  out.push(
    `The same rows against the floor and against what the run holds (the verdicts are those above). **Floor**: in a process set up like the run's (environment created, the same items built the same way, so its young generation is comparable), no container: a plain loop that slices each batch (a child's own copy, the least an isolating run makes), sums it and awaits a resolved promise, its peak sampled at the same points. **Young generation**: V8's room for new objects when the run starts, right after a full GC; garbage up to about this much is normal before V8 scavenges. **Peak live**: in the same process, a second run of the same workflow stops for a full GC in ${LIVE_POINTS} evenly spaced batches; the most the heap holds at any of them, above the heap before the items: what the run needs at its worst, as opposed to garbage not yet collected. **Held half-way**: the same at the middle batch, above the items (n/a for \`file\`, whose items exist only inside the run).`,
    "",
  );
  out.push(
    table(
      ["items", "source", "placement", "young generation, run (floor)", "peak heap growth (x)", "floor peak growth (x)", "peak minus floor", `peak live, ${LIVE_POINTS} full GCs (x)`, "held half-way, above the items", "per item"],
      million.map((m) => [
        `${count(m.n)}${m.shape === "number" ? " numbers" : ""}`,
        m.source,
        m.placement,
        `${mb(m.young_capacity_bytes)} (${mb(m.floor_young_capacity_bytes)})`,
        `${mb(m.heap_peak_growth_bytes)} (${x(m.heap_x_items_results)})`,
        `${mb(m.floor_peak_growth_bytes)} (${x(m.floor_x_items_results)})`,
        mb(m.peak_minus_floor_bytes),
        `${mb(m.live_peak_bytes)} (${x(m.live_peak_x_items_results)})`,
        mb(m.live_above_items_bytes),
        Number.isFinite(m.live_above_items_per_item_bytes) ? `${num(m.live_above_items_per_item_bytes)} B` : "n/a",
      ]),
    ),
    "",
  );
  out.push("Scaling with the item count (`expr` source, `{ id, v }` items): \"overhead\" is the peak heap growth minus the items and results themselves (so it includes garbage not yet collected); \"held\" is measured as above.", "");
  out.push(
    table(
      ["items", "placement", "wall (CPU)", "wall per item", "items + results", "peak heap growth", "x", "overhead", "overhead per item", "held", "held per item"],
      scaling.map((m) => [
        count(m.n),
        m.placement,
        `${ms(m.wall_ms)} (${ms(m.cpu_ms)})`,
        `${num((m.wall_ms * 1000) / m.n)} us`,
        mb(m.items_results_heap_bytes),
        mb(m.heap_peak_growth_bytes),
        x(m.heap_x_items_results),
        mb(m.heap_overhead_bytes),
        `${num(m.heap_overhead_per_item_bytes)} B`,
        mb(m.live_above_items_bytes),
        `${num(m.live_above_items_per_item_bytes)} B`,
      ]),
    ),
    "",
  );

  // ---- 4. nesting
  if (summary.nesting.length && meta.nesting) out.push(...nestingSection(summary, meta.nesting));

  // ---- reading
  out.push("## Reading", "");
  out.push(...reading(summary, meta).map((p) => `${p}\n`));
  return `${out.join("\n").trimEnd()}\n`;
}

const NESTING_SHAPE_TEXT: Record<string, string> = { number: "numbers", record: "`{ id, v }` records" };

function nestingSection(summary: Summary, run: Record<string, any>): string[] {
  const out: string[] = [];
  out.push("## 4. Nesting", "");
  out.push(
    `Measured by \`${run.command}\` on ${run.date} (git \`${String(run.git_head).slice(0, 12)}\`${run.git_dirty_src.length ? ` plus uncommitted changes in ${run.git_dirty_src.length} file(s) under src/` : ""}; ${run.passes} process${run.passes === 1 ? "" : "es"} per shape, ${num(run.duration_s)} s; load average ${run.load_average_start.map((l: number) => l.toFixed(1)).join(" / ")} at start, ${run.load_average_end.map((l: number) => l.toFixed(1)).join(" / ")} at end).`,
    "",
    "A workflow loads an array into `ctx.vars.data` (`set_var`), then runs a chain of containers, each the only child (map mode, one item) of the one around it; the innermost container's child reads every element of `ctx.vars.data` and sums it. Depth 0 is the same reader as a plain workflow step (no container, no copy-on-write view). 'Read' is the reader's own loop, timed inside the node: what reading through that many levels costs. 'Run' is the whole workflow run, every level's setup included. All depths run in one process, interleaved in rounds (the order rotates each round, after a warm-up round); each ratio to depth 1 is taken within a round, then the median over rounds, then the median over processes. Target (issue 12): reading through depth 8 and depth 16 within 1.5x of depth 1, judged on the worse of wall and CPU time.",
    "",
  );
  for (const shape of summary.nesting) {
    out.push(`${count(shape.length)} ${NESTING_SHAPE_TEXT[shape.shape] ?? shape.shape} (${shape.rounds} rounds per process, ${shape.processes} processes):`, "");
    out.push(
      table(
        ["depth", "read, wall (CPU)", "read / depth 1, wall (CPU)", "run, wall (CPU)", "run / depth 1, wall (CPU)", "target <= 1.5x"],
        shape.depths.map((d) => [
          String(d.depth),
          `${ms(d.read_ms)} (${ms(d.read_cpu_ms)})`,
          `${x(d.read_x_depth1)} (${x(d.read_cpu_x_depth1)})`,
          `${ms(d.run_ms)} (${ms(d.run_cpu_ms)})`,
          `${x(d.run_x_depth1)} (${x(d.run_cpu_x_depth1)})`,
          d.verdict ? `**${d.verdict}**` : "",
        ]),
      ),
      "",
    );
  }
  return out;
}

/** The honest reading, derived from the figures (no number is written by hand). */
function reading(summary: Summary, meta: Record<string, any>): string[] {
  const paragraphs: string[] = [];
  const read = summary.overhead.find((o) => o.variant === "read") ?? summary.overhead[0]!;
  const cells = read.cells;
  const children = meta.plan.children as number;
  const perChild = (cell: string) => cells[cell]!.cpu_ms / children;
  paragraphs.push(
    `**Overhead.** With trivial children the container run costs ${x(read.container_x_core["1kb"])} the core executor's in wall time (${x(read.container_x_core_cpu["1kb"])} in CPU time) with a 1 KB context and ${x(read.container_x_core["10mb"])} (${x(read.container_x_core_cpu["10mb"])}) with 10 MB. Per child that is about ${ms(perChild("container/1kb"))} of CPU in the container, against ${ms(perChild("steps/1kb"))} per plain workflow step and ${ms(perChild("core/1kb"))} per core child (the container and steps figures include the workflow's own load step). The cost is per child and does not depend on the context's size: each child resolves its node, gets its copy-on-write context, and runs through its own Blok Runner (config mapping, input validation; log lines only for a logger that prints), and every access it makes to the shared context goes through Proxy traps. A CPU profile (not part of this run) puts the largest share in the child's Runner copying \`ctx.config\` (\`{ ...ctx.config }\`), which on a copy-on-write view costs two traps and one new view per entry of the workflow's config map, for every child. Negligible next to a child that does real work; large next to one that does nothing.`,
  );
  const iso = summary.overhead.map((o) => o.isolation);
  const worstTime = Math.max(...iso.map((i) => Math.max(i.size_cost_x_clone, i.size_cost_cpu_x_clone)));
  const worstUpper = Math.max(...iso.map((i) => i.over_core_x_clone));
  const worstMem = Math.max(...iso.map((i) => i.peak_x_context));
  const worstLive = Math.max(...iso.map((i) => i.live_x_context));
  const timeOk = iso.every((i) => i.time_verdict === "PASS");
  const memOk = iso.every((i) => i.memory_verdict === "PASS");
  const negative = iso.some((i) => i.size_cost_ms < 0 || i.size_cost_cpu_ms < 0);
  const arrayIso = summary.overhead.find((o) => o.variant === "write-array")?.isolation;
  paragraphs.push(
    `**Isolation.** Time target ${timeOk ? "met" : "missed"}: the 10 MB context costs at most ${x(worstTime)} one structuredClone more than the 1 KB one${negative ? " (negative differences are noise: the two contexts cost the same within the run-to-run spread)" : ""}, and even the whole container run above the core stays at ${x(worstUpper)} one clone at most. Memory target ${memOk ? "met" : "missed"}: the 10 MB run's heap peak is at most ${x(worstMem)} the context's size, and what is live with all ${children} children in flight at most ${x(worstLive)}. Copy-on-write is why: a child's context is a set of Proxy views over the parent's objects, and only an object the child writes is copied, shallowly, into that child's space. Reading costs nothing per byte; \`write-vars\` copies the small \`vars\` object and \`write-record\` one record; \`write-array\` copies the dataset array's spine (one pointer per record) once per child${arrayIso ? `, the one variant here whose cost grows with the context's size (${ms(arrayIso.size_cost_ms)} and ${mb(arrayIso.peak_minus_1kb_bytes)} over the 1 KB run)` : ""}.`,
  );

  const million = summary.map.filter((m) => m.n === 1_000_000);
  const objects = million.filter((m) => m.source === "expr" && m.shape === "object");
  const numbers = million.filter((m) => m.source === "expr" && m.shape === "number");
  const literal = million.filter((m) => m.source === "literal");
  const file = million.filter((m) => m.source === "file");
  const limit = TARGETS.map_peak_x_items_results;
  type MapRow = (typeof million)[number];
  const describe = (list: MapRow[]) => list.map((m) => `${m.placement}: ${x(m.heap_x_items_results)} on the heap (${m.heap_verdict}), ${x(m.rss_x_items_results)} in RSS (${m.rss_verdict})`).join("; ");
  /** Where a row's peak goes, from its own figures: floor, what it holds at its worst, and the garbage on top. */
  const anatomy = (m: MapRow) =>
    `The floor peaks at ${x(m.floor_x_items_results)} and the run ${mb(m.peak_minus_floor_bytes)} above it. At its worst the run holds ${x(m.live_peak_x_items_results)} (peak live: the items, the results and ${mb(m.live_peak_bytes - m.items_results_heap_bytes)} more); the rest of the peak, ${mb(m.heap_peak_growth_bytes - m.live_peak_bytes)}, is garbage not yet collected, against a young generation of ${mb(m.young_capacity_bytes)} in this process (${mb(m.floor_young_capacity_bytes)} in the floor's)`;
  if (objects.length) {
    const o = objects[0]!;
    paragraphs.push(
      `**Map mode, \`{ id, v }\` items from an expression** (the documented use): a million items peak at ${describe(objects)} against the items and results themselves. The batches are sliced only when the window pulls them, so at most ${o.concurrent_peak} batch contexts exist at a time. ${anatomy(o)}.`,
    );
  }
  const numberBase = summary.baselines.find((b) => b.shape === "number");
  if (numbers.length) {
    const n = numbers[0]!;
    const young = n.young_capacity_bytes / n.items_results_heap_bytes;
    const why =
      n.heap_verdict === "PASS"
        ? "The row passes."
        : n.floor_x_items_results <= limit
          ? `The floor stays within the target, so the miss is the container's own allocation above it.`
          : `Against items and results of ${mb(n.items_results_heap_bytes)}, one young generation alone is ${x(young)}: the floor itself misses the ${limit}x target in this process, ${n.live_peak_x_items_results <= limit ? `while what the run needs at its worst stays within it. The miss is garbage V8 has not collected yet, not memory the run holds` : "and so does what the run holds at its worst"}. The peak is the items plus about one young generation, whatever is cut per child; getting below it needs a run that allocates less in total than the items themselves, less than its own batch copies: only handing children no copy at all (a read-only view of the shared items) could, and a batch is the child's own data, which it may edit.${objects[0] ? ` With \`{ id, v }\` items the same young generation weighs ${x(n.young_capacity_bytes / objects[0].items_results_heap_bytes)} of the items and that row ${objects[0].heap_verdict === "PASS" ? "passes" : "misses too"}.` : ""}`;
    paragraphs.push(
      `**Map mode, plain numbers:** ${describe(numbers)}. ${anatomy(n)}. The young generation grew to that size while the process loaded the environment and built the items, and V8 scavenges it only when it is full; a run allocates more than that (every batch's own copy alone is the items' size again over the run${numberBase ? `, ${num(numberBase.items_heap / numberBase.n)} bytes per item` : ""}, plus every child's context, mapping passes and executor records). ${why}`,
    );
  }
  if (literal.length) {
    const l = literal[0]!;
    const own = l.live_peak_bytes - l.items_results_heap_bytes;
    const itemsHeap = summary.baselines.find((b) => b.n === l.n && b.shape === l.shape)?.items_heap ?? Number.NaN;
    const overByContract = literal.every((m) => m.live_peak_x_items_results > limit);
    paragraphs.push(
      `**Map mode, the array written into the workflow document:** ${describe(literal)}. ${anatomy(l)}${l.heap_peak_growth_bytes - l.live_peak_bytes > l.young_capacity_bytes ? ": more than a young generation holds, so part of it is old-generation garbage left by the configs copy described next (an allocation profile, not part of this run, put most of it in `deepClone`'s identity map, one entry per object, which keeps shared references and cycles)" : ""}. Those ${mb(own)}, ${x(own / itemsHeap)} the items' own heap, are this run's own copy of the document's node configs. A workflow object run again (as a server runs one loaded workflow per request) must come back unmapped and unedited, so the runner deep-copies the configs of a document it does not own, as stock Blok gives every request configs rebuilt from the file. Nothing else is copied for the step: the first mapping pass records which strings it rewrote instead of copying the config, the second pass maps only \`inputs\`, and the container takes its inputs as they are (it declares \`inputsReadOnly\`; a node that does not gets its own copy of them, as in Blok). ${overByContract ? `With that copy held, what the run needs at its worst is already above the ${limit}x target, before any garbage: the rows miss by that contract, not by waste.` : `What the run needs at its worst stays within the ${limit}x target; the rest of the miss is garbage not yet collected.`}`,
    );
  }
  if (file.length) {
    const f = file[0]!;
    paragraphs.push(
      `**Map mode, the same document run from its file** (as \`blok-parallel run <file>\` does: the runner parses the document for this run and owns it, so it does not copy it): ${describe(file)}. At its worst the run holds ${x(f.live_peak_x_items_results)} (peak live: the parsed items, the results and ${mb(f.live_peak_bytes - f.items_results_heap_bytes)} more); the rest of the peak, ${mb(f.heap_peak_growth_bytes - f.live_peak_bytes)}, is the file's text (${mb(f.file_bytes)}, read whole before it is parsed) and garbage not yet collected, against a young generation of ${mb(f.young_capacity_bytes)}.`,
    );
  }
  const scaling = summary.map.filter((m) => m.source === "expr" && m.shape === "object");
  for (const placement of [...new Set(scaling.map((m) => m.placement))]) {
    const list = scaling.filter((m) => m.placement === placement).sort((a, b) => a.n - b.n);
    if (list.length < 2) continue;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const span = last.n - first.n;
    const heldSlope = (last.live_above_items_bytes - first.live_above_items_bytes) / span;
    const overheadSlope = (last.heap_overhead_bytes - first.heap_overhead_bytes) / span;
    paragraphs.push(
      `**Scaling (${placement}).** From ${count(first.n)} to ${count(last.n)} items, the overhead above items and results goes from ${mb(first.heap_overhead_bytes)} to ${mb(last.heap_overhead_bytes)} and what is held half-way from ${mb(first.live_above_items_bytes)} to ${mb(last.live_above_items_bytes)}: at the margin ${num(overheadSlope)} and ${num(heldSlope)} bytes per extra item, against ${num(last.items_results_heap_bytes / last.n)} bytes per item for the items themselves${numberBase ? ` (an array's spine alone is ${num(numberBase.items_heap / numberBase.n)} bytes per item)` : ""}. The fixed part dominates at small counts (the ratio falls as the count grows): most of the overhead is garbage not yet collected, bounded by the young generation (${mb(last.young_capacity_bytes)} here), not by the item count. What is held grows by ${num(heldSlope * meta.plan.batch_size)} bytes per extra batch: its record in \`execution_info.children\` and its slot in the results. Time per item: ${num((first.wall_ms * 1000) / first.n)} us at ${count(first.n)}, ${num((last.wall_ms * 1000) / last.n)} us at ${count(last.n)} (wall).`,
    );
  }
  for (const shape of summary.nesting) {
    const at = (depth: number) => shape.depths.find((d) => d.depth === depth);
    const one = at(1);
    const deepest = shape.depths.at(-1);
    const plain = at(0);
    if (!one || !deepest || deepest === one) continue;
    const judged = shape.depths.filter((d) => d.verdict);
    // Setup per level: the run without the reader's loop, from depth 1 to the deepest.
    const perLevel = (deepest.run_cpu_ms - deepest.read_cpu_ms - (one.run_cpu_ms - one.read_cpu_ms)) / (deepest.depth - 1);
    const through = [...judged, ...(judged.includes(deepest) ? [] : [deepest])].map((d) => `depth ${d.depth} ${x(d.read_x_depth1)} (${x(d.read_cpu_x_depth1)} CPU)`);
    paragraphs.push(
      `**Nesting, ${count(shape.length)} ${NESTING_SHAPE_TEXT[shape.shape] ?? shape.shape}.** Reading through more levels costs what reading through one does: against depth 1 in wall time, ${through.join(", ")}${judged.length ? `; the target at depths ${judged.map((d) => d.depth).join(" and ")}: ${judged.every((d) => d.verdict === "PASS") ? "PASS" : "MISS"}` : ""}. A nested child's copy-on-write space nests in its parent child's: its views wrap the objects under the enclosing views and read the enclosing spaces' copies, so an element read is one Proxy trap at any depth; a view of a view, which the views were before, ran every level's trap for every read and doubled the work per level.${plain ? ` Against a plain step, whose reader sees the array itself, the trap costs ${x(one.read_cpu_ms / plain.read_cpu_ms)} in CPU time at depth 1: the price of isolation per element read, whatever the depth.` : ""} Each level adds its own setup to the whole run (a container, its config, a child context): about ${ms(perLevel)} of CPU per level between depth 1 and depth ${deepest.depth}, the reader's loop left out.`,
    );
  }
  return paragraphs;
}
