/**
 * Turns the raw outputs of the scenario processes into medians, ratios and verdicts, and renders
 * docs/bench/core.md. Every figure in the document is computed here from the run; nothing is typed
 * in by hand.
 */
import type { CaseOutput, InterleavedOutput, MemoryOutput } from "./measure.js";
import { median } from "./measure.js";
import type { ProfileSummary } from "./profile.js";
import { BASELINE_CONTENDERS, onBaseline } from "./cases.js";

export interface Plan {
  readonly quick: boolean;
  readonly passes: number;
  readonly concurrency: number;
  /** Per size: warm-up and timed rounds of the interleaved process, untimed rounds before the memory probe. */
  readonly trivial: { n: number; warmup: number; rounds: number; memory_warmup: number | null }[];
  readonly sleep: { children: number; sleep_ms: number; concurrencies: number[]; warmup: number; rounds: number };
  readonly scenarios: string[];
  readonly profile_size: number | null;
  /** The revision the executor is checked against (--baseline), by name and commit; absent in runs made before the flag. */
  readonly baseline?: { rev: string; commit: string } | null;
}

export interface Meta {
  readonly date: string;
  readonly command: string;
  readonly node: string;
  readonly v8: string;
  readonly cores: number;
  readonly cpu: string;
  readonly platform: string;
  readonly memory_gb: number;
  readonly core_entry: string;
  readonly git: string;
  readonly duration_s: number;
  /** 1-minute load average when the run started and when it ended. */
  readonly load: [number, number];
}

/** What the processes of a run reported. */
export interface Measurements {
  /** One interleaved process per size and pass. */
  readonly timing: readonly (InterleavedOutput & { pass: number })[];
  /** One isolated process per contender and size. */
  readonly memory: readonly MemoryOutput[];
  readonly sleep: readonly (CaseOutput & { pass: number })[];
}

export interface TrivialRow {
  readonly contender: string;
  readonly n: number;
  /** Timed rounds, all passes. */
  readonly rounds: number;
  readonly median_ms: number;
  readonly ns_per_child: number;
  /** Median over rounds of (this contender's time / p-map's time in the same round). */
  readonly vs_p_map: number | null;
  /** The same median taken pass by pass: min and max. */
  readonly vs_p_map_range: [number, number] | null;
  /** The same from CPU time (user + system) instead of wall time. */
  readonly cpu_ns_per_child: number;
  readonly cpu_vs_p_map: number | null;
  readonly heap_peak_mb: number | null;
  readonly input_heap_mb: number | null;
  readonly max_rss_mb: number | null;
  readonly events_per_round: number | null;
}

export interface Target {
  readonly id: string;
  readonly label: string;
  readonly value: number | null;
  /** The same ratio from CPU time: a cross-check less disturbed by other load on the machine. */
  readonly cpu_value: number | null;
  readonly op: "<=" | ">=";
  readonly limit: number;
  readonly verdict: "PASS" | "MISS" | "n/a";
  /** The verdict the CPU-time ratio gives (n/a for wall-clock-only targets). */
  readonly cpu_verdict: "PASS" | "MISS" | "n/a";
  /** Range of the same ratio computed pass by pass. */
  readonly pass_range: [number, number] | null;
}

export interface SleepRow {
  readonly concurrency: number;
  readonly executor_ms: number;
  readonly speedup: number;
  readonly target: number;
  readonly verdict: "PASS" | "MISS";
  readonly peaks: number[];
  readonly peak_ok: boolean;
  readonly p_map_ms: number | null;
  readonly p_map_speedup: number | null;
  readonly max_rss_mb: number;
}

export interface Summary {
  readonly trivial: TrivialRow[];
  readonly scaling: { contender: string; ns_10k: number; ns_100k: number; ratio: number; cpu_ratio: number }[];
  readonly sleep: SleepRow[];
  readonly targets: Target[];
  readonly profiles: { contender: string; n: number; profile: ProfileSummary }[];
}

const MB = 2 ** 20;
const round2 = (x: number) => Math.round(x * 100) / 100;
const rangeOf = (values: number[]): [number, number] | null => (values.length ? [round2(Math.min(...values)), round2(Math.max(...values))] : null);
const orNull = (x: number) => (Number.isNaN(x) ? null : round2(x));

const verdict = (value: number | null, op: "<=" | ">=", limit: number) =>
  value === null || Number.isNaN(value) ? "n/a" : (op === "<=" ? value <= limit : value >= limit) ? "PASS" : "MISS";

type Clock = "wall" | "cpu";

export function summarize(plan: Plan, m: Measurements): Summary {
  const processesAt = (n: number) => m.timing.filter((t) => t.params.n === n);
  const passes = [...new Set(m.timing.map((t) => t.pass))];
  /** A contender's round times at size n, from the given processes (default: all passes). */
  const times = (contender: string, n: number, clock: Clock, from = processesAt(n)) => from.flatMap((t) => t.timings[contender]?.[clock] ?? []);
  /** Within each round, a's time over b's; over the given processes (default: all passes). */
  const roundRatios = (a: string, b: string, n: number, clock: Clock, from = processesAt(n)) =>
    from.flatMap((t) => {
      const x = t.timings[a]?.[clock];
      const y = t.timings[b]?.[clock];
      return x && y ? x.map((v, r) => v / y[r]!) : [];
    });
  const inPass = (n: number, pass: number) => processesAt(n).filter((t) => t.pass === pass);

  /** A ratio of two contenders at one size: median over all rounds, and its range pass by pass. */
  type Measured = { value: number | null; cpu: number | null; range: [number, number] | null };
  const ratio = (a: string, b: string, n: number): Measured => ({
    value: orNull(median(roundRatios(a, b, n, "wall"))),
    cpu: orNull(median(roundRatios(a, b, n, "cpu"))),
    range: rangeOf(passes.map((p) => median(roundRatios(a, b, n, "wall", inPass(n, p)))).filter((x) => !Number.isNaN(x))),
  });
  /** Per-child cost at 100,000 over that at 10,000: from each size's median round (processes of different moments). */
  const growth = (contender: string, clock: Clock, pass?: number) => {
    const at = (n: number) => median(times(contender, n, clock, pass === undefined ? processesAt(n) : inPass(n, pass))) / n;
    return at(100_000) / at(10_000);
  };
  const scale = (contender: string): Measured => ({
    value: orNull(growth(contender, "wall")),
    cpu: orNull(growth(contender, "cpu")),
    range: rangeOf(passes.map((p) => growth(contender, "wall", p)).filter((x) => !Number.isNaN(x))),
  });

  const contenders = [...new Set(m.timing.flatMap((t) => Object.keys(t.timings)))];
  const trivial: TrivialRow[] = [];
  for (const { n } of plan.trivial) {
    for (const contender of contenders) {
      const wall = times(contender, n, "wall");
      if (wall.length === 0) continue;
      const ms = median(wall);
      const vs = ratio(contender, "p-map", n);
      const mem = m.memory.find((x) => x.contender === contender && x.params.n === n);
      const events = mem?.extra.events_per_round;
      trivial.push({
        contender,
        n,
        rounds: wall.length,
        median_ms: round2(ms),
        ns_per_child: Math.round((ms * 1e6) / n),
        vs_p_map: vs.value,
        vs_p_map_range: vs.range,
        cpu_ns_per_child: Math.round((median(times(contender, n, "cpu")) * 1e6) / n),
        cpu_vs_p_map: vs.cpu,
        heap_peak_mb: mem ? round2(mem.heap_peak_bytes / MB) : null,
        input_heap_mb: mem ? round2(mem.input_heap_bytes / MB) : null,
        max_rss_mb: mem ? round2(mem.max_rss_bytes / MB) : null,
        events_per_round: typeof events === "number" ? events : null,
      });
    }
  }

  const row = (contender: string, n: number) => trivial.find((r) => r.contender === contender && r.n === n);
  const scaling = contenders.flatMap((contender) => {
    const a = row(contender, 10_000);
    const b = row(contender, 100_000);
    if (!a || !b) return [];
    const s = scale(contender);
    return [{ contender, ns_10k: a.ns_per_child, ns_100k: b.ns_per_child, ratio: s.value!, cpu_ratio: s.cpu! }];
  });

  const target = (id: string, label: string, r: Measured, op: "<=" | ">=", limit: number): Target => ({
    id,
    label,
    value: r.value,
    cpu_value: r.cpu,
    op,
    limit,
    verdict: verdict(r.value, op, limit),
    cpu_verdict: verdict(r.cpu, op, limit),
    pass_range: r.range,
  });

  const allTimes = (list: readonly CaseOutput[]) => list.flatMap((c) => c.times_ms);
  const sleepMs = (contender: string, c: number) => median(allTimes(m.sleep.filter((x) => x.contender === contender && x.params.concurrency === c)));
  const sleep: SleepRow[] = [];
  if (m.sleep.length) {
    const base = sleepMs("executor", 1);
    const pBase = sleepMs("p-map", 1);
    for (const c of plan.sleep.concurrencies) {
      const mine = m.sleep.filter((x) => x.contender === "executor" && x.params.concurrency === c);
      if (!mine.length) continue;
      const ms = sleepMs("executor", c);
      const pMs = sleepMs("p-map", c);
      const goal = round2(0.95 * Math.min(c, plan.sleep.children));
      const peaks = mine.flatMap((x) => (x.extra.concurrent_peaks as number[]) ?? []);
      sleep.push({
        concurrency: c,
        executor_ms: round2(ms),
        speedup: round2(base / ms),
        target: goal,
        verdict: base / ms >= goal ? "PASS" : "MISS",
        peaks: [...new Set(peaks)],
        peak_ok: peaks.length > 0 && peaks.every((p) => p === c),
        p_map_ms: orNull(pMs),
        p_map_speedup: orNull(pBase / pMs),
        max_rss_mb: round2(Math.max(...mine.map((x) => x.max_rss_bytes)) / MB),
      });
    }
  }

  const targets: Target[] = [
    target("plain-vs-pmap", "executor (no timeout, no progress) / p-map, per child, 10,000 children", ratio("executor", "p-map", 10_000), "<=", 2),
    target(
      "full-vs-pmap",
      "executor (timeout + progress events) / p-map, per child, 10,000 children",
      ratio("executor+timeout+events", "p-map", 10_000),
      "<=",
      3,
    ),
    target("scaling", "executor per-child cost, 100,000 / 10,000 children", scale("executor"), "<=", 1.3),
    target("scaling-full", "executor (timeout + events) per-child cost, 100,000 / 10,000", scale("executor+timeout+events"), "<=", 1.3),
    ...baselineTargets(plan, (contender, n) => ratio(contender, onBaseline(contender), n), target),
    ...sleep.map((s) => ({
      id: `sleep-c${s.concurrency}`,
      label: `20 x 50 ms at concurrency ${s.concurrency}: speed-up vs concurrency 1`,
      value: s.speedup,
      cpu_value: null,
      op: ">=" as const,
      limit: s.target,
      verdict: s.verdict,
      cpu_verdict: "n/a" as const,
      pass_range: null,
    })),
  ];

  const profiles = m.memory.flatMap((c) => (c.extra.profile ? [{ contender: c.contender, n: c.params.n, profile: c.extra.profile as ProfileSummary }] : []));
  return { trivial, scaling, sleep, targets, profiles };
}

/**
 * A change to src/core keeps each ratio within 10% of the baseline's: checked directly, as the
 * current executor's time over the baseline's in the same round (both sides of each ratio to p-map
 * share p-map, so this is the change in those ratios), at both sizes the scaling target compares.
 */
const BASELINE_LIMIT = 1.1;
/** The ratio-to-p-map targets, by id, with the contender each measures (a baseline lane runs it too). */
const P_MAP_TARGETS: Readonly<Record<string, (typeof BASELINE_CONTENDERS)[number]>> = { "plain-vs-pmap": "executor", "full-vs-pmap": "executor+timeout+events" };
function baselineTargets<T>(plan: Plan, ratio: (contender: (typeof BASELINE_CONTENDERS)[number], n: number) => T, target: (id: string, label: string, r: T, op: "<=", limit: number) => Target): Target[] {
  const base = plan.baseline;
  if (!base) return [];
  const at = base.rev === base.commit ? base.commit : `${base.commit} (${base.rev})`;
  const sizes = [10_000, 100_000].filter((n) => plan.trivial.some((t) => t.n === n));
  return sizes.flatMap((n) =>
    BASELINE_CONTENDERS.map((contender) =>
      target(`${contender}-vs-baseline-${n}`, `\`${contender}\` / the same at ${at}, per child, ${int(n)} children`, ratio(contender, n), "<=", BASELINE_LIMIT),
    ),
  );
}

const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits));
const int = (x: number) => x.toLocaleString("en-US");
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

export function renderMarkdown(meta: Meta, plan: Plan, s: Summary): string {
  const out: string[] = [];
  const at = (contender: string, n: number) => s.trivial.find((r) => r.contender === contender && r.n === n);
  out.push(
    "# Core executor benchmark",
    "",
    `Generated by \`${meta.command}\` on ${meta.date} (took ${meta.duration_s} s). Do not edit: re-run the command.`,
    "",
    table(
      ["machine", ""],
      [
        ["cores (`os.availableParallelism()`)", meta.cores],
        ["CPU", meta.cpu],
        ["memory", `${meta.memory_gb} GiB`],
        ["OS", meta.platform],
        ["Node / V8", `${meta.node} / ${meta.v8}`],
        ["load average (1 min) at start / end", `${fmt(meta.load[0])} / ${fmt(meta.load[1])}`],
        ["executor measured", `${meta.core_entry} at ${meta.git}, built with tsup (ESM, node20) as the package ships it`],
      ],
    ),
    "",
    "## Method",
    "",
    `- Time, trivial children: for each size, one \`node --expose-gc\` process holds every contender, each in a worker thread of its own, and runs them one at a time. After some warm-up rounds of each, every timed round runs each contender once, back to back, in a fresh random order (${plan.trivial.map((t) => `${int(t.n)} children: ${t.warmup} warm-up + ${t.rounds} timed rounds`).join("; ")}). A ratio to p-map is taken within each round (the contender's time over p-map's time in that same round) and the figure is its median over rounds: a slow phase of the shared machine that outlasts a round slows both sides of the ratio. This process is run ${plan.passes} time(s); figures pool the rounds of all passes, and \"range over passes\" is the lowest and highest median of a single pass.`,
    "- Why side by side: this benchmark used to run each contender in a process of its own, at different moments, and take the ratio of their medians; another process's load then hit one side of a ratio and not the other, and the executor / p-map ratio at 10,000 children ranged from 1.81 to 4.02 over the three passes of its last such run. A single round's ratio is still noisy (a p-map round at 10,000 children lasts about 10 ms, a few scheduler slices), hence dozens of rounds and their median.",
    "- Why a worker thread (a V8 isolate) per contender, not all in one isolate: in one isolate, a contender's garbage is collected during whichever contender allocates next, and contenders that share library code (rxjs in the executor and in the bare pipeline, p-map in its floors) share its inline caches, so each would be measured with part of the others' cost. An isolate per contender keeps its own heap and JIT state, as a process of its own did; the main thread and the idle workers use no CPU while one contender runs. (A one-off check at 10,000 children, three alternating pairs of processes on a loaded machine, pointed the same way but within the noise: executor / p-map 1.53–1.79 in one shared isolate, 1.66–1.97 with an isolate each, p-map itself slower in the shared isolate in two pairs of three.)",
    "- The per-child cost at 100,000 over that at 10,000 children compares the median rounds of the two sizes' processes, which ran at different moments: load that differs between them does show there, so the CPU-time figure next to it is the cross-check.",
    `- Memory, and the executor's CPU profile: one fresh process per contender and size (one pass), since a heap peak and an RSS high-water mark are figures of a whole isolate and process. After a few untimed rounds (${plan.trivial.flatMap((t) => (t.memory_warmup === null ? [] : [`${t.memory_warmup} at ${int(t.n)}`])).join(", ")})${plan.profile_size === null ? "" : ` (and, for the executor at ${int(plan.profile_size)} children, rounds under the CPU profiler)`}, the heap peak is V8's used heap sampled about 100 times from inside \`work\` during one more round (plus once at the end, while the result is alive), above the heap after the input was built; max RSS is that process's high-water mark (Node itself included).`,
    "- Rounds run back to back after warm-up, with one full GC before the first and none in between: a full GC makes V8 drop optimized code that embeds weak references (rxjs Subscriber methods, Node's AbortController/EventTarget), so a GC before each round would measure warm-up every time.",
    `- Sleeping children: one fresh process per contender and concurrency, run in each of the ${plan.passes} pass(es); speed-ups are from medians over all rounds.`,
    "- Every trivial-children contender runs the same `work(i)`: an async function that awaits one resolved promise and returns `i`. Inputs (an index array; for the executor, `asyncChild` descriptors) are built before the clock starts. Concurrency is 16, except raw `Promise.all`, which has no limit.",
    "- The executor is built from source with tsup, as shipped, and imported from the bundle: importing `src/` through tsx would add esbuild `keepNames` wrappers (an `Object.defineProperty` per closure created) that the shipped code does not have.",
    "- CPU time (user + system of the whole process, V8's GC threads included) is recorded next to wall time and its ratios taken the same way: other load on a shared machine inflates wall time far more than CPU time, so the CPU-time ratios are the cross-check. The verdict column uses wall time, as the targets are stated; the CPU-time verdict is shown next to it.",
    "- `p-map+AbortController` and `p-map+AbortController+setTimeout` are floors, not competitors: p-map doing the least the executor's contract needs per child (a fresh AbortSignal; with `timeout`, a timer armed and cleared).",
    ...(plan.baseline
      ? [
          `- Baseline: src/core as of ${plan.baseline.commit} (\`--baseline=${plan.baseline.rev}\`), extracted with \`git archive\` and built the same way, runs ${BASELINE_CONTENDERS.map((c) => `\`${c}\``).join(" and ")} in lanes of their own (\`…@baseline\`) among the others. Its targets take the current executor's time over the baseline's within each round: a ratio to p-map moves with the machine (the same code gave different executor / p-map ratios on different hosts), while a ratio of two executors in the same rounds shows what the change itself did.`,
        ]
      : []),
    "",
    "## Targets",
    "",
    table(
      ["target", "measured (wall)", "limit", "verdict", "range over passes", "same from CPU time", "verdict from CPU time"],
      s.targets.map((t) => [
        t.label,
        fmt(t.value),
        `${t.op} ${fmt(t.limit)}`,
        `**${t.verdict}**`,
        t.pass_range ? `${fmt(t.pass_range[0])} – ${fmt(t.pass_range[1])}` : "–",
        fmt(t.cpu_value),
        t.cpu_verdict === "n/a" ? "–" : t.cpu_verdict,
      ]),
    ),
    "",
    "## 1. Trivial async children, concurrency 16",
    "",
  );
  for (const { n } of plan.trivial) {
    const rows = s.trivial.filter((r) => r.n === n);
    if (!rows.length) continue;
    out.push(
      `### ${int(n)} children`,
      "",
      table(
        ["contender", "ns/child (median)", "× p-map (median of rounds)", "× p-map, range over passes", "CPU ns/child", "CPU × p-map", "rounds", "heap peak MiB", "input heap MiB", "max RSS MiB", "events/run"],
        rows.map((r) => [
          `\`${r.contender}\``,
          int(r.ns_per_child),
          fmt(r.vs_p_map),
          r.vs_p_map_range ? `${fmt(r.vs_p_map_range[0])} – ${fmt(r.vs_p_map_range[1])}` : "–",
          int(r.cpu_ns_per_child),
          fmt(r.cpu_vs_p_map),
          r.rounds,
          fmt(r.heap_peak_mb, 1),
          fmt(r.input_heap_mb, 1),
          fmt(r.max_rss_mb, 0),
          r.events_per_round === null ? "–" : int(r.events_per_round),
        ]),
      ),
      "",
    );
  }
  if (s.scaling.length) {
    out.push(
      "### Per-child cost, 100,000 vs 10,000 children",
      "",
      table(
        ["contender", "ns/child at 10k", "ns/child at 100k", "100k / 10k", "same from CPU time"],
        s.scaling.map((x) => [`\`${x.contender}\``, int(x.ns_10k), int(x.ns_100k), fmt(x.ratio), fmt(x.cpu_ratio)]),
      ),
      "",
    );
  }
  if (s.sleep.length) {
    out.push(
      `## 2. ${plan.sleep.children} children of ${plan.sleep.sleep_ms} ms (setTimeout, cancelled by the AbortSignal)`,
      "",
      "Executor with its defaults (progress events on) apart from `max_concurrent`; p-map runs the same sleep as a reference for what this machine's timers allow.",
      "",
      table(
        ["concurrency", "executor wall ms", "speed-up", "target", "verdict", "concurrent_peak", "p-map wall ms", "p-map speed-up", "max RSS MiB"],
        s.sleep.map((r) => [
          r.concurrency,
          fmt(r.executor_ms, 1),
          fmt(r.speedup),
          `>= ${fmt(r.target)}`,
          `**${r.verdict}**`,
          `${r.peaks.join(", ")} ${r.peak_ok ? "(= c)" : "(**≠ c**)"}`,
          fmt(r.p_map_ms, 1),
          fmt(r.p_map_speedup),
          fmt(r.max_rss_mb, 0),
        ]),
      ),
      "",
    );
  }
  if (s.profiles.length) {
    out.push("## Where the executor's time goes (CPU profile, self time)", "");
    for (const { contender, n, profile } of s.profiles) {
      out.push(
        `### \`${contender}\`, ${int(n)} children (${int(profile.samples)} samples at 100 µs)`,
        "",
        table(["origin", "share"], profile.origins.filter((o) => o.share >= 0.005).map((o) => [o.origin, pct(o.share)])),
        "",
        table(["hottest functions", "origin", "share"], profile.top.map((t) => [`\`${t.fn}\``, t.origin, pct(t.share)])),
        "",
      );
    }
  }
  out.push("## Reading", "", ...reading(meta, s, at), "");
  return `${out.join("\n")}\n`;
}

/** The interpretation, computed from the figures (sentences only appear when their data exist). */
function reading(meta: Meta, s: Summary, at: (contender: string, n: number) => TrivialRow | undefined): string[] {
  const lines: string[] = [];
  const n = 10_000;
  const p = at("p-map", n);
  const ac = at("p-map+AbortController", n);
  const act = at("p-map+AbortController+setTimeout", n);
  const ex = at("executor", n);
  const ext = at("executor+timeout", n);
  const exe = at("executor+timeout+events", n);
  const exs = at("executor+timeout+sampled", n);
  const rx = at("rxjs-mergeMap", n);
  // Differences between contenders come from CPU time: differences of wall-time medians taken on a
  // busy machine can even come out negative.
  const cost = (a: TrivialRow, b: TrivialRow) => {
    const d = a.cpu_ns_per_child - b.cpu_ns_per_child;
    return d > 0 ? `${int(d)} ns/child` : "no measurable cost";
  };
  const x = (a: TrivialRow, b: TrivialRow) => `${fmt(a.cpu_ns_per_child / b.cpu_ns_per_child)}×`;
  const missed = s.targets.filter((t) => t.verdict === "MISS");
  lines.push(
    missed.length
      ? `- Missed: ${missed.map((t) => `${t.label} (${fmt(t.value)} vs ${t.op} ${fmt(t.limit)})`).join("; ")}.`
      : "- Every target with data passed.",
  );
  // Each ratio-to-p-map target, read on the baseline's lane: whether the same code misses here too.
  const onBase = (t: Target) => (t.id in P_MAP_TARGETS ? (at(onBaseline(P_MAP_TARGETS[t.id]!), n)?.vs_p_map ?? null) : null);
  const pMapMisses = missed.filter((t) => onBase(t) !== null);
  // Each one on its own: the baseline may miss one and pass another.
  for (const t of pMapMisses) {
    const baseMisses = verdict(onBase(t), t.op, t.limit) === "MISS";
    lines.push(
      `- \`${P_MAP_TARGETS[t.id]}\` / p-map: in the same rounds the baseline measured ${fmt(onBase(t))} where the target reads ${t.op} ${fmt(t.limit)}: ${baseMisses ? "it misses on this machine too, so this miss comes with the host, and the baseline targets say what the change did" : "it passes where the current executor misses, so the change made the executor slower"}.`,
    );
  }
  const busiest = Math.max(...meta.load);
  if (busiest > meta.cores) {
    lines.push(
      `- The machine was busy: load average up to ${fmt(busiest)} on ${meta.cores} cores during the run, so other processes took CPU from the measured ones. The ratios to p-map are taken within rounds, so that load falls on both sides of each; absolute ns/child figures carry it, and the CPU-time columns are the steadier reading of them (the breakdown below uses them).`,
    );
  }
  if (p && ac && act) {
    lines.push(
      `- What the contract costs by itself: a fresh AbortSignal per child (Node creates it on the first \`.signal\` read) costs p-map ${cost(ac, p)} (${x(ac, p)} p-map), and also arming and clearing a timer ${cost(act, p)} (${x(act, p)} p-map). The executor creates neither for these children: a function declared without parameters gets no AbortSignal, and per-child timeouts share one timer per run (a deadline queue).`,
    );
  }
  if (p && ex && ac) {
    lines.push(
      `- Without options the executor costs ${int(ex.cpu_ns_per_child)} CPU ns/child, ${x(ex, p)} p-map: the inner subscription \`mergeMap\` makes per child, one ChildRun object (observer, handler, deadline target and teardown in one) and its started work, two clock readings, the ledger's typed-array columns, and the per-child records of the final execution_info.`,
    );
  }
  for (const { contender, n: size, profile } of s.profiles) {
    const shares = profile.origins.filter((o) => o.share >= 0.05).map((o) => `${o.origin} ${pct(o.share)}`);
    const top = profile.top[0];
    lines.push(
      `- CPU profile of \`${contender}\` at ${int(size)} children, self time: ${shares.join(", ")}${top ? `; the hottest function is \`${top.fn}\` (${pct(top.share)})` : ""}.`,
    );
  }
  if (ex && ext) lines.push(`- \`timeout\` adds ${cost(ext, ex)} (a deadline per attempt in the run's one deadline queue; no timer per child).`);
  if (ext && exe) {
    lines.push(
      `- Progress events add ${cost(exe, ext)}${exe.events_per_round === null ? "" : ` (${int(exe.events_per_round)} events per run, each with a fresh snapshot)`}.${exs ? ` Sampled progress (every 100 ms) instead: ${cost(exs, ext)} over no progress.` : ""}`,
    );
  }
  if (rx && p) lines.push(`- The bare rxjs \`mergeMap\` pipeline costs ${x(rx, p)} p-map per child at 10k (CPU time).`);
  const rxs = s.scaling.find((r) => r.contender === "rxjs-mergeMap");
  const exsScale = s.scaling.find((r) => r.contender === "executor");
  if (rxs && exsScale) {
    lines.push(
      `- Scaling 10k → 100k (wall / CPU): executor ${fmt(exsScale.ratio)} / ${fmt(exsScale.cpu_ratio)}, bare rxjs mergeMap ${fmt(rxs.ratio)} / ${fmt(rxs.cpu_ratio)} per child on this machine and Node version (the issue quotes about 14x for the naive pipeline; ${Math.max(rxs.ratio, rxs.cpu_ratio) > 2 ? "it does grow superlinearly here too" : "that superlinear growth does not reproduce here"}).`,
    );
  }
  const heapEx = at("executor", 100_000);
  const heapP = at("p-map", 100_000);
  if (heapEx && heapP && heapEx.heap_peak_mb !== null && heapP.heap_peak_mb !== null) {
    lines.push(
      `- Memory at 100k: the executor's heap peak is ${fmt(heapEx.heap_peak_mb, 1)} MiB over its input (${fmt(heapEx.input_heap_mb, 1)} MiB of child descriptors), p-map's ${fmt(heapP.heap_peak_mb, 1)} MiB: the executor keeps about 21 bytes per child in the ledger's columns (status, attempts, start and end) plus the name, and at the end a record per child in \`execution_info.children\`.`,
    );
  }
  const badSleep = s.sleep.filter((r) => r.verdict === "MISS" || !r.peak_ok);
  if (s.sleep.length) {
    lines.push(
      badSleep.length
        ? `- Sleeping children, misses: ${badSleep.map((r) => `c=${r.concurrency} speed-up ${fmt(r.speedup)} (target ${fmt(r.target)}, p-map ${fmt(r.p_map_speedup)}), peak ${r.peaks.join("/")}`).join("; ")}. Compare with p-map's speed-up on the same timers: where p-map misses too, the machine's timer latency is the limit, not the executor.`
        : "- Sleeping children: every concurrency reaches its speed-up target and `concurrent_peak` equals the limit: with 50 ms of real waiting per child, the executor's per-child overhead is invisible.",
    );
  }
  return lines;
}
