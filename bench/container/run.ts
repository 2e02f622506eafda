/**
 * Benchmark of the parallel-execution container (issue 3, "Performance"):
 *
 *   npx tsx bench/container/run.ts            full run (several minutes): results/latest.json + docs/bench/container.md
 *   npx tsx bench/container/run.ts --quick    smoke run (< 30 s): results/quick.json, no doc
 *
 * Other flags: --passes=<n>, --json=<file>, --doc=<file|none>; --from=<results.json> re-renders the
 * document from a saved run's raw output (no measuring).
 *
 * 1. Container overhead: 20 trivial module children through a workflow with the container, against
 *    the same nodes as plain sequential steps and the same children straight through the core
 *    executor, with a 1 KB and a 10 MB context (overhead.ts).
 * 2. Isolation cost against one structuredClone of the 10 MB context, measured in the same process.
 * 3. Map mode: a million small items, batch_size 1,000, max_concurrent 8: time and peak memory
 *    against the memory of the items and results themselves, against the floor (a plain
 *    slice-and-sum loop in the same process setup) and what the run holds at its worst (full GCs
 *    during a second run), and how it scales (mapmode.ts).
 * 4. Nesting: a child 1 to 32 containers deep reading a 200,000-element array from ctx.vars,
 *    against depth 1 in the same process (nesting.ts). Runnable alone:
 *
 *   npx tsx bench/container/run.ts --only=nesting   measures section 4 only; the other sections are
 *                                                   re-rendered from the saved run (results/latest.json)
 *
 * Every case runs in a fresh `node --expose-gc` process (built with tsup first, see build.ts); the
 * whole set of cases is repeated `passes` times, interleaved, so slow phases of a shared machine
 * hit every case alike; the figures are medians over the passes.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDir, buildCases, type CaseName, repoRoot } from "./build.js";
import type { MapArgs } from "./mapmode.js";
import type { NestingArgs } from "./nesting.js";
import type { OverheadArgs, Variant } from "./overhead.js";
import { renderMarkdown, summarize } from "./report.js";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    passes: { type: "string" },
    json: { type: "string" },
    doc: { type: "string" },
    from: { type: "string" },
    only: { type: "string" },
  },
});
if (flags.only !== undefined && flags.only !== "nesting") {
  console.error(`--only: unknown section '${flags.only}' (known: nesting)`);
  process.exit(2);
}
const nestingOnly = flags.only === "nesting";

if (flags.from) {
  const saved = JSON.parse(readFileSync(path.resolve(flags.from), "utf8")) as { meta: Record<string, any>; raw: Parameters<typeof summarize>[0] };
  const summary = summarize(saved.raw, saved.meta);
  // The saved summary follows the current summarizing code too.
  writeFileSync(path.resolve(flags.from), `${JSON.stringify({ meta: saved.meta, summary, raw: saved.raw }, null, 2)}\n`);
  const markdown = renderMarkdown(summary, saved.meta);
  const doc = flags.doc ?? path.join(repoRoot, "docs/bench/container.md");
  if (doc === "none") process.stdout.write(markdown);
  else writeFileSync(path.resolve(doc), markdown);
  process.exit(0);
}
const quick = flags.quick!;
const passes = Number(flags.passes ?? (quick ? 1 : 3));

const CHILDREN = 20;
const BATCH = 1000;
const CONCURRENCY = 8;
const MILLION = 1_000_000;

const variants: Variant[] = quick ? ["read"] : ["read", "write-vars", "write-record", "write-array"];
const overheadCases: OverheadArgs[] = variants.map((variant) => ({
  variant,
  children: CHILDREN,
  blocks: quick ? 2 : 10,
  blockRuns: quick ? { container: 10, steps: 10, core: 40 } : { container: 20, steps: 20, core: 100 },
  warmupBlocks: 1,
  memRounds: quick ? 2 : 6,
  liveRounds: quick ? 1 : 3,
  cloneRounds: quick ? 1 : 5,
  // The 20-copies contrast is slow (20 x one clone); one variant's processes measure it.
  clone20: !quick && variant === "read",
}));

const mapRun = (n: number, placement: MapArgs["placement"], source: MapArgs["source"], shape: MapArgs["shape"] = "object"): MapArgs => ({
  kind: "run",
  n,
  shape,
  batchSize: BATCH,
  concurrency: CONCURRENCY,
  placement,
  source,
});
/** The items and results alone (`base`), or the plain slice-and-sum loop over them (`floor`). */
const mapReference = (kind: "base" | "floor", n: number, shape: MapArgs["shape"] = "object"): MapArgs => ({ ...mapRun(n, "inputs", "expr", shape), kind });
const scaleSizes = [250_000, 500_000, MILLION];
const mapCases: MapArgs[] = quick
  ? [mapReference("base", MILLION), mapReference("floor", MILLION), mapRun(MILLION, "inputs", "expr")]
  : [
      ...scaleSizes.map((n) => mapReference("base", n)),
      mapReference("base", MILLION, "number"),
      mapReference("floor", MILLION),
      mapReference("floor", MILLION, "number"),
      ...scaleSizes.flatMap((n) => [mapRun(n, "inputs", "expr"), mapRun(n, "top", "expr")]),
      mapRun(MILLION, "inputs", "literal"),
      mapRun(MILLION, "top", "literal"),
      mapRun(MILLION, "inputs", "file"),
      mapRun(MILLION, "inputs", "expr", "number"),
    ];

const NESTING_DEPTHS = [0, 1, 2, 4, 8, 16, 32];
const nestingCases: NestingArgs[] = (["number", "record"] as const).map((shape) => ({
  shape,
  length: 200_000,
  depths: quick ? [0, 1, 8, 16] : NESTING_DEPTHS,
  rounds: quick ? 2 : 7,
  warmupRounds: 1,
}));

/** Runs one case in a fresh process and returns what it reported. */
function runCase(file: string, args: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", file, JSON.stringify(args)], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk));
    child.on("close", (code) => {
      const line = out.split("\n").reverse().find((l) => l.startsWith("@@RESULT "));
      if (code !== 0 || !line) reject(new Error(`${path.basename(file)} ${JSON.stringify(args)} exited with ${code}\n${err}`));
      else resolve(JSON.parse(line.slice("@@RESULT ".length)) as Record<string, unknown>);
    });
  });
}

function git(...args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`.padStart(5);
const loadStart = os.loadavg();
const built = await buildCases();
// The code measured is the code built now, whatever is committed while the run goes on.
const builtFrom = { git_head: git("rev-parse", "HEAD"), git_dirty_src: git("status", "--porcelain", "--", "src").split("\n").filter(Boolean) };
process.stderr.write(`${elapsed()} built the case scripts\n`);

const raw: { overhead: Record<string, unknown>[]; map: Record<string, unknown>[]; nesting: Record<string, unknown>[] } = { overhead: [], map: [], nesting: [] };
const jobs: { name: CaseName; args: OverheadArgs | MapArgs | NestingArgs }[] = [
  ...(nestingOnly ? [] : overheadCases.map((args) => ({ name: "overhead" as const, args }))),
  ...(nestingOnly ? [] : mapCases.map((args) => ({ name: "mapmode" as const, args }))),
  ...nestingCases.map((args) => ({ name: "nesting" as const, args })),
];
const rowsOf = { overhead: raw.overhead, mapmode: raw.map, nesting: raw.nesting };
for (let pass = 0; pass < passes; pass++) {
  for (const job of jobs) {
    const result = await runCase(built[job.name], job.args);
    rowsOf[job.name].push({ pass, ...result });
    const label = job.name === "overhead" ? `overhead ${(job.args as OverheadArgs).variant}` : `${job.name} ${JSON.stringify(job.args)}`;
    process.stderr.write(`${elapsed()} pass ${pass + 1}/${passes} ${label}\n`);
  }
}

const jsonFile = path.resolve(flags.json ?? path.join(benchDir, "results", quick ? "quick.json" : "latest.json"));
// When and how this run measured (the nesting section says so, as it may come from a run of its own).
const runMeta = {
  date: new Date().toISOString(),
  command: `npx tsx bench/container/run.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`,
  load_average_start: loadStart,
  load_average_end: os.loadavg(),
  duration_s: (performance.now() - started) / 1000,
  ...builtFrom,
};
const nestingMeta = { ...runMeta, passes, plan: nestingCases };
if (nestingOnly) {
  // The other sections stay as the saved run measured them.
  const savedFile = path.resolve(flags.json ?? path.join(benchDir, "results", "latest.json"));
  const saved = JSON.parse(readFileSync(savedFile, "utf8")) as { meta: Record<string, any>; raw: typeof raw };
  const merged = { ...saved.raw, nesting: raw.nesting };
  const mergedMeta = { ...saved.meta, nesting: nestingMeta };
  writeFileSync(jsonFile, `${JSON.stringify({ meta: mergedMeta, summary: summarize(merged, mergedMeta), raw: merged }, null, 2)}\n`);
  process.stderr.write(`${elapsed()} wrote the nesting section's run into ${path.relative(repoRoot, jsonFile)}\n`);
  const doc = flags.doc ?? (quick ? "none" : path.join(repoRoot, "docs/bench/container.md"));
  const markdown = renderMarkdown(summarize(merged, mergedMeta), mergedMeta);
  if (doc === "none") process.stdout.write(markdown);
  else writeFileSync(path.resolve(doc), markdown);
  process.exit(0);
}
const meta = {
  ...runMeta,
  json: path.relative(repoRoot, jsonFile),
  node: process.version,
  cores: os.availableParallelism(),
  cpu_model: os.cpus()[0]?.model ?? "unknown",
  total_memory: os.totalmem(),
  quick,
  passes,
  plan: { children: CHILDREN, batch_size: BATCH, max_concurrent_map: CONCURRENCY, overhead: overheadCases, map: mapCases },
  nesting: nestingMeta,
};
const summary = summarize(raw, meta);
mkdirSync(path.dirname(jsonFile), { recursive: true });
writeFileSync(jsonFile, `${JSON.stringify({ meta, summary, raw }, null, 2)}\n`);
process.stderr.write(`${elapsed()} wrote ${path.relative(repoRoot, jsonFile)}\n`);

const doc = flags.doc ?? (quick ? "none" : path.join(repoRoot, "docs/bench/container.md"));
const markdown = renderMarkdown(summary, meta);
if (doc !== "none") {
  writeFileSync(path.resolve(doc), markdown);
  process.stderr.write(`${elapsed()} wrote ${path.relative(repoRoot, path.resolve(doc))}\n`);
} else {
  process.stdout.write(markdown);
}
