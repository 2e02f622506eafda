/**
 * Mapping benchmark (issues 12 item 6 and 14): the mapper of the baseline revision against the
 * current one, in the same process, rounds interleaved, ratio taken per round.
 *
 *   npx tsx bench/mapping/run.ts            writes docs/bench/mapping.md
 *   npx tsx bench/mapping/run.ts --quick    fewer rounds, prints only
 *
 * The baseline is extracted with `git archive <rev> src/blok` into a temporary directory under
 * bench/mapping/ (removed at the end) and imported from there (tsx compiles it like the current sources). Each case maps a step's config
 * the way a run does: the first pass in place on a fresh copy of the config (copies are made
 * before timing), then the second pass producing what `handle` receives.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { commitOf, extractRevision } from "../revision.js";
import { median } from "../stats.js";
import * as current from "../../src/blok/index.js";
import { runGuarded } from "../../src/blok/mapping/expressionLimit.js";

/** The revision the new mapper is compared with: the branch start, before issue 14. */
const BASELINE = "4beca06";
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 21;
const WARMUP = 3;
const SAMPLES = 5;
const TARGETS = { expressions: 1.3, typical: 1.1 } as const;

type MapperModule = {
  createContext: typeof current.createContext;
  mapFirstPass: (config: unknown, ctx: current.Context) => unknown;
  mapInputs: (config: unknown, firstPass: never, ctx: current.Context, data: unknown, copy: "copy" | "share") => unknown;
  mapperData: typeof current.mapperData;
};

interface Case {
  readonly name: string;
  readonly what: string;
  readonly target: number;
  /** The step config, as written. */
  readonly config: Record<string, unknown>;
  readonly body: unknown;
  readonly vars?: Record<string, unknown>;
  /** Configs mapped per timed batch. */
  readonly batch: number;
  /** Runs the current mapper with the expression time limit turned off. */
  readonly limitOff?: boolean;
}

const values = Array.from({ length: 1000 }, (_, i) => i);
const names = Array.from({ length: 1000 }, (_, i) => `name-${i}`);
const typicalInputs = {
  url: "https://api.example.test/users/${ctx.request.body.user.id}/orders",
  method: "POST",
  headers: { authorization: "Bearer ${ctx.request.headers.token}", "content-type": "application/json", accept: "application/json" },
  body: {
    name: "${ctx.request.body.user.name}",
    count: "js/ctx.vars.items.length",
    items: "js/ctx.vars.items",
    total: "js/ctx.vars.items.reduce((sum, item) => sum + item.price, 0)",
    tags: ["a", "b", "${ctx.request.body.tag}"],
    upper: "js/ctx.request.body.user.name.toUpperCase()",
    active: true,
    retries: 3,
    previous: "js/ctx.response.data",
  },
  timeout_ms: 5000,
};
const typicalBody = { user: { id: 42, name: "ada-lovelace" }, tag: "vip" };
const typicalVars = { items: Array.from({ length: 20 }, (_, i) => ({ id: i, price: i * 1.5 })) };

const CASES: readonly Case[] = [
  {
    name: "1,000 js/ expressions: reads and arithmetic",
    what: "`js/ctx.request.body.values[i] * 2 + ctx.vars.offset`, 1,000 distinct (no watchdog)",
    target: TARGETS.expressions,
    config: { inputs: Object.fromEntries(values.map((i) => [`v${i}`, `js/ctx.request.body.values[${i}] * 2 + ctx.vars.offset`])) },
    body: { values },
    vars: { offset: 1 },
    batch: 4,
  },
  {
    name: "1,000 js/ expressions: builtin calls",
    what: "`js/ctx.request.body.names[i].toUpperCase()`, 1,000 distinct (no watchdog: linear builtins)",
    target: TARGETS.expressions,
    config: { inputs: Object.fromEntries(values.map((i) => [`n${i}`, `js/ctx.request.body.names[${i}].toUpperCase()`])) },
    body: { names },
    batch: 4,
  },
  {
    name: "1,000 js/ expressions: regular expressions",
    what: '`js/ctx.request.body.names[i].replace(/-/g, "_")`, 1,000 distinct (one watchdog per pass)',
    target: TARGETS.expressions,
    config: { inputs: Object.fromEntries(values.map((i) => [`r${i}`, `js/ctx.request.body.names[${i}].replace(/-/g, "_")`])) },
    body: { names },
    batch: 4,
  },
  {
    name: "typical step mapping",
    what: "an API-call step: 8 `${...}` / `js/` strings (a `reduce` with an arrow, a `toUpperCase`), 10 literals, nested (no watchdog)",
    target: TARGETS.typical,
    config: { inputs: typicalInputs },
    body: typicalBody,
    vars: typicalVars,
    batch: 500,
  },
  {
    name: "typical step mapping + one regular expression",
    what: 'the same, plus `slug: "js/ctx.request.body.user.name.replace(/[^a-z]/g, \'-\')"` (one watchdog per pass)',
    target: TARGETS.typical,
    config: { inputs: { ...typicalInputs, slug: "js/ctx.request.body.user.name.replace(/[^a-z]/g, '-')" } },
    body: typicalBody,
    vars: typicalVars,
    batch: 500,
  },
  {
    name: "typical step mapping + one regular expression, time limit off",
    what: "the same, with `expressionTimeoutMs: 0` (`--expression-timeout-ms 0`): no watchdog, no bound",
    target: TARGETS.typical,
    config: { inputs: { ...typicalInputs, slug: "js/ctx.request.body.user.name.replace(/[^a-z]/g, '-')" } },
    body: typicalBody,
    vars: typicalVars,
    batch: 500,
    limitOff: true,
  },
];

async function loadBaseline(): Promise<{ module: MapperModule; dir: string }> {
  // Inside the repository, so the baseline resolves this package's node_modules and "type": "module".
  const dir = mkdtempSync(join(process.cwd(), "bench/mapping/.baseline-"));
  extractRevision(BASELINE, "src/blok", dir);
  const load = (file: string) => import(pathToFileURL(join(dir, "src/blok", file)).href);
  const [mapper, inputs, context] = await Promise.all([load("mapper.ts"), load("mapInputs.ts"), load("createContext.ts")]);
  const module = { createContext: context.createContext, mapFirstPass: mapper.mapFirstPass, mapInputs: inputs.mapInputs, mapperData: mapper.mapperData } as MapperModule;
  return { module, dir };
}

function contextFor(module: MapperModule, testCase: Case): current.Context {
  const ctx = module.createContext({ config: {}, body: testCase.body, headers: { token: "t0k3n" }, env: {}, logger: new current.DefaultLogger({ enabled: false }) });
  if (testCase.vars) ctx.vars = testCase.vars;
  if (testCase.limitOff && module === (current as unknown as MapperModule)) current.setExpressionTimeout(ctx, 0);
  ctx.response = { data: { previous: true }, contentType: "", success: true, error: null };
  return ctx;
}

/** ms to map `batch` fresh copies of the config, both passes. */
function time(module: MapperModule, ctx: current.Context, testCase: Case): number {
  const copies = Array.from({ length: testCase.batch }, () => structuredClone(testCase.config));
  const data = module.mapperData(ctx);
  const started = performance.now();
  for (const config of copies) {
    const firstPass = module.mapFirstPass(config, ctx);
    module.mapInputs(config, firstPass as never, ctx, data, "copy");
  }
  return performance.now() - started;
}

/** A paragraph accounting for each MISS row with figures of this run, or nothing. */
function misses(rows: readonly { name: string; verdict: string; base_us: number; new_us: number }[], watchdogUs: number): string {
  const missed = rows.filter((row) => row.verdict === "MISS");
  if (missed.length === 0) return "";
  const lines = missed.map(
    (row) => `- ${row.name}: ${(row.new_us - row.base_us).toFixed(1)} µs more per config, against one watchdog of ${watchdogUs.toFixed(1)} µs measured in this run.`,
  );
  return `\nWhere a target is missed:\n\n${lines.join("\n")}\n\nA pass that holds an expression which could run long (here a regular expression, which request data can make backtrack for minutes) pays for one watchdog; on a step that maps a few strings, that is most of the mapping's cost. The alternative, no bound, is what issue 12 item 6 reports: one such expression stops the process.\n`;
}

/** The cost of one watchdog (a guarded call doing nothing), for the page. */
function watchdogCost(): number {
  const n = 2000;
  const started = performance.now();
  for (let i = 0; i < n; i++) runGuarded(1000, () => i);
  return ((performance.now() - started) / n) * 1000;
}

const { module: baseline, dir } = await loadBaseline();
try {
  const load = loadavg();
  const rows = [];
  for (const testCase of CASES) {
    // Same results first: the benchmark compares two mappers that agree on this input.
    const a = contextFor(baseline, testCase);
    const b = contextFor(current as unknown as MapperModule, testCase);
    const out = (module: MapperModule, ctx: current.Context) => {
      const config = structuredClone(testCase.config);
      return module.mapInputs(config, module.mapFirstPass(config, ctx) as never, ctx, module.mapperData(ctx), "copy");
    };
    const expected = JSON.stringify(out(baseline, a));
    if (JSON.stringify(out(current as unknown as MapperModule, b)) !== expected) throw new Error(`${testCase.name}: the two mappers disagree`);

    const ratios: number[] = [];
    const baseMs: number[] = [];
    const newMs: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // Interleaved: within a round each mapper maps SAMPLES batches, alternating, and keeps its
      // fastest (other processes on the machine only ever add time); the ratio is per round.
      let tBase = Number.POSITIVE_INFINITY;
      let tNew = Number.POSITIVE_INFINITY;
      for (let sample = 0; sample < SAMPLES; sample++) {
        if ((round + sample) % 2 === 0) {
          tBase = Math.min(tBase, time(baseline, a, testCase));
          tNew = Math.min(tNew, time(current as unknown as MapperModule, b, testCase));
        } else {
          tNew = Math.min(tNew, time(current as unknown as MapperModule, b, testCase));
          tBase = Math.min(tBase, time(baseline, a, testCase));
        }
      }
      if (round < WARMUP) continue;
      baseMs.push(tBase);
      newMs.push(tNew);
      ratios.push(tNew / tBase);
    }
    const perConfig = (ms: number[]) => (median(ms) / testCase.batch) * 1000;
    const ratio = median(ratios);
    rows.push({
      name: testCase.name,
      what: testCase.what,
      base_us: perConfig(baseMs),
      new_us: perConfig(newMs),
      ratio,
      min: Math.min(...ratios),
      max: Math.max(...ratios),
      target: testCase.target,
      verdict: ratio <= testCase.target ? "PASS" : "MISS",
    });
    console.error(`${testCase.name}: baseline ${perConfig(baseMs).toFixed(1)} us, new ${perConfig(newMs).toFixed(1)} us, ratio ${ratio.toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`);
  }
  const watchdogUs = watchdogCost();
  console.error(`one watchdog (vm timeout): ${watchdogUs.toFixed(1)} us`);

  const commit = commitOf("HEAD");
  const dirty = execFileSync("git", ["status", "--porcelain", "src/blok"]).toString().trim() !== "";
  const page = `# Mapping benchmark

Generated by \`npx tsx bench/mapping/run.ts\` at ${new Date().toISOString()} on commit ${commit}${dirty ? " (with uncommitted changes to src/blok)" : ""};
${availableParallelism()} cores, Node ${process.version}, load average ${load.map((x) => x.toFixed(2)).join(" / ")} at the start (a shared, noisy machine).

What it compares: the mapper of revision \`${BASELINE}\` (before issue 14: substitutions re-read as code, no time limit),
extracted with \`git archive\` and imported in the same process, against the current one (request data is data,
expressions bounded by the time limit). Each round maps a batch of fresh copies of a step config with both
passes (\`mapFirstPass\` in place, then \`mapInputs\`); a round maps ${SAMPLES} batches with each mapper,
baseline and current interleaved, the order alternating, and keeps each one's fastest batch (load from other
processes only adds time); the ratio current / baseline is taken per round. ${WARMUP} warm-up rounds, then ${ROUNDS} measured; the table gives
the median ratio and its range over the rounds. Before timing, the bench checks that both mappers give the same inputs.

| case | what | baseline µs / config | current µs / config | ratio (median) | range | target | verdict |
|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.name} | ${r.what} | ${r.base_us.toFixed(1)} | ${r.new_us.toFixed(1)} | ${r.ratio.toFixed(2)}x | ${r.min.toFixed(2)}-${r.max.toFixed(2)} | ≤ ${r.target}x | ${r.verdict} |`).join("\n")}

Targets: issue 12 item 6 (1,000 \`js/\` expressions within 1.3x of before the time limit) and issue 14 (no slowdown
beyond 10% on a typical mapping).
${misses(rows, watchdogUs)}
## Why one watchdog per pass, and only when needed

Node interrupts a script run with a \`timeout\` from a watchdog thread that it starts for each run: here one
guarded call costs **${watchdogUs.toFixed(1)} µs**, measured in this run (2,000 calls). Per expression, 1,000 expressions
would pay that 1,000 times. So a mapping pass first runs without a watchdog: expressions that only read, compare,
compute and call builtins whose time is linear in their data (\`toUpperCase\`, \`map\`, \`reduce\` with a call-free
arrow, \`JSON.stringify\`...) cannot run long and need none. At the first expression that could (a regular
expression, a loop, an unknown function, nested callbacks), the pass starts over under one watchdog, which then
covers the rest of the pass: what ran before was pure reads, safe to repeat. A pass without such an expression
never pays for a watchdog; a pass with one pays for one, whatever the number of expressions; with the limit off
(\`0\`) none is started.
`;
  if (quick) console.log(page);
  else {
    writeFileSync("docs/bench/mapping.md", page);
    console.error("wrote docs/bench/mapping.md");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
