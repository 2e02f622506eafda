/**
 * Benchmark of the core executor against Promise.all, p-map and a bare rxjs pipeline.
 *
 *   npx tsx bench/core/run.ts            full run (a few minutes): results/latest.json + docs/bench/core.md
 *   npx tsx bench/core/run.ts --quick    smoke run (< 30 s on an idle machine): prints the report, keeps nothing
 *
 * Other flags: --core=<entry.ts> (measure a patched copy of src/core), --baseline=<git rev> (also
 * time the executor as of that revision, side by side, and check the current one against it),
 * --json=<file>, --doc=<file|none>, --passes=<n>, --sizes=<n,n,...>, --scenarios=trivial,sleep.
 *
 * Time of the trivial-children contenders: for each size, one `node --expose-gc` process runs
 * every contender side by side, interleaved round by round (interleaved.ts); ratios are taken
 * within each round. Memory, and the executor's CPU profile: one fresh process per contender and
 * size (isolated.ts), once. Sleeping children: one fresh process per contender and concurrency
 * (sleep.ts). The timing and sleep processes are repeated `passes` times; the spread over passes
 * is reported next to each target. The scripts and the executor are built first, see build.ts.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildBench, repoRoot } from "./build.js";
import type { CaseOutput, InterleavedOutput, MemoryOutput } from "./measure.js";
import { median } from "./measure.js";
import { type Meta, type Plan, renderMarkdown, summarize } from "./report.js";
import { commitOf, extractRevision } from "../revision.js";
import { type InterleavedArgs, type IsolatedArgs, SLEEP_CONTENDERS, type SleepArgs, TRIVIAL_CONTENDERS } from "./cases.js";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    core: { type: "string" },
    baseline: { type: "string" },
    json: { type: "string" },
    doc: { type: "string" },
    passes: { type: "string" },
    sizes: { type: "string" },
    scenarios: { type: "string" },
  },
});

const quick = flags.quick!;

/**
 * Rounds per size. Timing: each timed round runs all nine contenders, so a round at 100,000
 * children takes a few seconds; warm-up rounds put every contender through tens of thousands of
 * children before the clock starts. A single round's ratio is noisy on a shared machine (a p-map
 * round at 10,000 children lasts about 10 ms, a few scheduler slices), so the median wants dozens. Memory: a few rounds before the probed one (null: no memory
 * processes; --quick runs them at its small size only, to stay a smoke run).
 */
const roundsFor = (n: number) =>
  quick
    ? n >= 10_000 ? { warmup: 2, rounds: 5, memory_warmup: null } : { warmup: 10, rounds: 10, memory_warmup: 5 }
    : n >= 100_000 ? { warmup: 2, rounds: 9, memory_warmup: 1 } : n >= 10_000 ? { warmup: 5, rounds: 40, memory_warmup: 3 } : { warmup: 30, rounds: 60, memory_warmup: 10 };

const sizes = (flags.sizes ?? (quick ? "1000,10000" : "1000,10000,100000")).split(",").map(Number);
const plan: Plan = {
  quick,
  passes: Number(flags.passes ?? (quick ? 1 : 3)),
  concurrency: 16,
  trivial: sizes.map((n) => ({ n, ...roundsFor(n) })),
  sleep: { children: 20, sleep_ms: 50, concurrencies: [1, 2, 5, 10, 20], warmup: quick ? 0 : 1, rounds: quick ? 1 : 5 },
  scenarios: (flags.scenarios ?? "trivial,sleep").split(","),
  baseline: flags.baseline === undefined ? null : { rev: flags.baseline, commit: commitOf(flags.baseline, repoRoot) },
  // In its memory process, each of these contenders at this size runs some rounds under the CPU profiler.
  profile_size: quick ? null : 10_000,
};
const PROFILED: readonly string[] = ["executor", "executor+timeout+events"];
const PROFILE_ROUNDS = 20;

/** Runs one scenario script in a fresh process and returns what it reported. */
function runCase<T>(file: string, args: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", file, JSON.stringify(args)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk));
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("@@RESULT "));
      if (code !== 0 || !line) reject(new Error(`${path.basename(file)} ${JSON.stringify(args)} exited with ${code}\n${err}`));
      else resolve(JSON.parse(line.slice("@@RESULT ".length)) as T);
    });
  });
}

const started = performance.now();
const loadAtStart = os.loadavg()[0]!;
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`.padStart(5);
const built = await buildBench(flags.core);
const { core } = built;
console.log(`${elapsed()} built ${path.relative(repoRoot, core)} from ${flags.core ?? "src/core/index.ts"}`);
const baseline = plan.baseline ? await buildBaseline(plan.baseline.commit) : null;

const timing: (InterleavedOutput & { pass: number })[] = [];
const sleep: (CaseOutput & { pass: number })[] = [];
for (let pass = 1; pass <= plan.passes; pass++) {
  if (plan.scenarios.includes("trivial")) {
    for (const { n, warmup, rounds } of plan.trivial) {
      const args: InterleavedArgs = { contenders: TRIVIAL_CONTENDERS, n, concurrency: plan.concurrency, warmup, rounds, core, baseline };
      const out = await runCase<InterleavedOutput>(built.interleaved, args);
      timing.push({ ...out, pass });
      const ns = (contender: string) => ((median(out.timings[contender]!.wall) * 1e6) / n).toFixed(0);
      console.log(`${elapsed()} pass ${pass} trivial n=${n} ns/child: ${TRIVIAL_CONTENDERS.map((c) => `${c} ${ns(c)}`).join(", ")}`);
    }
  }
  if (plan.scenarios.includes("sleep")) {
    for (const concurrency of plan.sleep.concurrencies) {
      // --quick keeps the executor only: p-map's sleep is a reference, not a smoke test.
      for (const contender of quick ? (["executor"] as const) : SLEEP_CONTENDERS) {
        const { children, sleep_ms, warmup, rounds } = plan.sleep;
        const args: SleepArgs = { contender, children, sleep_ms, concurrency, warmup, rounds, core };
        const out = await runCase<CaseOutput>(built.sleep, args);
        sleep.push({ ...out, pass });
        console.log(`${elapsed()} pass ${pass} sleep c=${String(concurrency).padEnd(3)} ${contender.padEnd(26)} ${median(out.times_ms).toFixed(1).padStart(7)} ms`);
      }
    }
  }
}

// Memory is a figure of a whole isolate and process, and hardly moves from run to run: one pass.
const memory: MemoryOutput[] = [];
if (plan.scenarios.includes("trivial")) {
  for (const { n, memory_warmup } of plan.trivial) {
    if (memory_warmup === null) continue;
    for (const contender of TRIVIAL_CONTENDERS) {
      const profiled = n === plan.profile_size && PROFILED.includes(contender);
      const args: IsolatedArgs = { contender, n, concurrency: plan.concurrency, warmup: memory_warmup, core, profile_rounds: profiled ? PROFILE_ROUNDS : 0 };
      const out = await runCase<MemoryOutput>(built.isolated, args);
      memory.push(out);
      console.log(`${elapsed()} memory n=${n} ${contender.padEnd(32)} heap peak ${(out.heap_peak_bytes / 2 ** 20).toFixed(1).padStart(6)} MiB${profiled ? " (profiled)" : ""}`);
    }
  }
}

const argv = process.argv.slice(2);
const meta: Meta = {
  date: new Date().toISOString(),
  command: ["npx tsx bench/core/run.ts", ...argv].join(" "),
  node: process.version,
  v8: process.versions.v8,
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? "unknown",
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  memory_gb: Math.round(os.totalmem() / 2 ** 30),
  core_entry: flags.core ?? "src/core/index.ts",
  git: await gitDescribe(),
  duration_s: Math.round((performance.now() - started) / 1000),
  load: [loadAtStart, os.loadavg()[0]!],
};
const summary = summarize(plan, { timing, memory, sleep });

// A smoke run's figures are not worth keeping: they go to the temp directory unless --json says otherwise.
const jsonPath = path.resolve(repoRoot, flags.json ?? (quick ? path.join(os.tmpdir(), "blok-bench-core-quick.json") : "bench/core/results/latest.json"));
mkdirSync(path.dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify({ meta, plan, summary, timing, memory, sleep }, null, 2)}\n`);
const markdown = renderMarkdown(meta, plan, summary);
const docFlag = flags.doc ?? (quick ? "none" : "docs/bench/core.md");
if (docFlag !== "none") {
  const docPath = path.resolve(repoRoot, docFlag);
  mkdirSync(path.dirname(docPath), { recursive: true });
  writeFileSync(docPath, markdown);
  console.log(`wrote ${path.relative(repoRoot, docPath)}`);
} else {
  console.log(`\n${markdown}`);
}
console.log(`wrote ${jsonPath} (${elapsed().trim()})`);

/** Builds src/core as of `commit` (extracted next to the build cache) the way the current one is built. */
async function buildBaseline(commit: string): Promise<string> {
  const dir = path.join(repoRoot, "node_modules/.cache/bench-core-baseline", commit);
  extractRevision(commit, "src/core", dir, repoRoot);
  const { core: built } = await buildBench(path.join(dir, "src/core/index.ts"));
  console.log(`${elapsed()} built ${path.relative(repoRoot, built)} from src/core at ${commit}`);
  return built;
}

/** The commit measured, and whether src/core had uncommitted changes. */
async function gitDescribe(): Promise<string> {
  const git = (...a: string[]) =>
    new Promise<string>((resolve) => {
      const p = spawn("git", a, { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] });
      let s = "";
      p.stdout.on("data", (c: Buffer) => (s += c));
      p.on("close", () => resolve(s.trim()));
      p.on("error", () => resolve(""));
    });
  const head = await git("rev-parse", "--short", "HEAD");
  const dirty = await git("status", "--porcelain", "--", "src/core");
  return head ? `${head}${dirty ? " (src/core modified)" : ""}` : "unknown";
}
