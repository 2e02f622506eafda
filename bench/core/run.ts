/**
 * Benchmark of the core executor against Promise.all, p-map and a bare rxjs pipeline.
 *
 *   npx tsx bench/core/run.ts            full run (a few minutes): results/latest.json + docs/bench/core.md
 *   npx tsx bench/core/run.ts --quick    smoke run (< 30 s on an idle machine): prints the report, keeps nothing
 *
 * Other flags: --core=<entry.ts> (measure a patched copy of src/core), --json=<file>,
 * --doc=<file|none>, --passes=<n>, --sizes=<n,n,...>, --scenarios=trivial,sleep.
 * Run it with nothing else busy on the machine.
 *
 * Every case (one contender, one size or concurrency) runs in a fresh `node --expose-gc` process
 * (the scenario scripts and the executor are built first, see build.ts).
 * The whole set of cases is repeated `passes` times, interleaved, so slow phases of a shared
 * machine hit every contender alike; medians are taken over all timed rounds of all passes.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildBench, repoRoot } from "./build.js";
import type { CaseOutput } from "./measure.js";
import { type Meta, type Plan, renderMarkdown, summarize } from "./report.js";
import { SLEEP_CONTENDERS, type SleepArgs, TRIVIAL_CONTENDERS, type TrivialArgs } from "./cases.js";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    core: { type: "string" },
    json: { type: "string" },
    doc: { type: "string" },
    passes: { type: "string" },
    sizes: { type: "string" },
    scenarios: { type: "string" },
  },
});

const quick = flags.quick!;

/**
 * Rounds per process scale with size so each process warms up on tens of thousands of children;
 * with 3 passes every case gets at least 9 timed rounds (warm-up excluded).
 */
const roundsFor = (n: number) =>
  quick ? (n >= 10_000 ? { warmup: 1, rounds: 3 } : { warmup: 5, rounds: 5 }) : n >= 100_000 ? { warmup: 1, rounds: 3 } : n >= 10_000 ? { warmup: 4, rounds: 6 } : { warmup: 30, rounds: 15 };

const plan: Plan = {
  quick,
  passes: Number(flags.passes ?? (quick ? 1 : 3)),
  concurrency: 16,
  sizes: (flags.sizes ?? (quick ? "1000,10000" : "1000,10000,100000")).split(",").map(Number),
  sleep: { children: 20, sleep_ms: 50, concurrencies: [1, 2, 5, 10, 20], warmup: quick ? 0 : 1, rounds: quick ? 1 : 5 },
  scenarios: (flags.scenarios ?? "trivial,sleep").split(","),
  // In the last pass, these contenders at this size run some extra rounds under the CPU profiler.
  profile_size: quick ? null : 10_000,
};
const PROFILED: readonly string[] = ["executor", "executor+timeout+events"];
const PROFILE_ROUNDS = 20;

/** Runs one case in a fresh process and returns what it reported. */
function runCase(file: string, args: object): Promise<CaseOutput> {
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
      else resolve(JSON.parse(line.slice("@@RESULT ".length)) as CaseOutput);
    });
  });
}

const started = performance.now();
const loadAtStart = os.loadavg()[0]!;
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`.padStart(5);
const built = await buildBench(flags.core);
const { core } = built;
console.log(`${elapsed()} built ${path.relative(repoRoot, core)} from ${flags.core ?? "src/core/index.ts"}`);

const cases: (CaseOutput & { pass: number })[] = [];
for (let pass = 1; pass <= plan.passes; pass++) {
  if (plan.scenarios.includes("trivial")) {
    for (const n of plan.sizes) {
      for (const contender of TRIVIAL_CONTENDERS) {
        const profiled = pass === plan.passes && n === plan.profile_size && PROFILED.includes(contender);
        const args: TrivialArgs = { contender, n, concurrency: plan.concurrency, core, ...roundsFor(n), profile_rounds: profiled ? PROFILE_ROUNDS : 0 };
        const out = await runCase(built.trivial, args);
        cases.push({ ...out, pass });
        const ms = [...out.times_ms].sort((a, b) => a - b)[out.times_ms.length >> 1]!;
        console.log(`${elapsed()} pass ${pass} trivial n=${n} ${contender.padEnd(26)} ${((ms * 1e6) / n).toFixed(0).padStart(7)} ns/child`);
      }
    }
  }
  if (plan.scenarios.includes("sleep")) {
    for (const concurrency of plan.sleep.concurrencies) {
      // --quick keeps the executor only: p-map's sleep is a reference, not a smoke test.
      for (const contender of quick ? (["executor"] as const) : SLEEP_CONTENDERS) {
        const { children, sleep_ms, warmup, rounds } = plan.sleep;
        const args: SleepArgs = { contender, children, sleep_ms, concurrency, warmup, rounds, core };
        const out = await runCase(built.sleep, args);
        cases.push({ ...out, pass });
        const ms = [...out.times_ms].sort((a, b) => a - b)[out.times_ms.length >> 1]!;
        console.log(`${elapsed()} pass ${pass} sleep c=${String(concurrency).padEnd(3)} ${contender.padEnd(26)} ${ms.toFixed(1).padStart(7)} ms`);
      }
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
const summary = summarize(plan, cases);

// A smoke run's figures are not worth keeping: they go to the temp directory unless --json says otherwise.
const jsonPath = path.resolve(repoRoot, flags.json ?? (quick ? path.join(os.tmpdir(), "blok-bench-core-quick.json") : "bench/core/results/latest.json"));
mkdirSync(path.dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify({ meta, plan, summary, cases }, null, 2)}\n`);
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
