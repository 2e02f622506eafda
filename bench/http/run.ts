/**
 * HTTP benchmark (issue 10, "Performance" and the framework choice of "Real parts"):
 *
 *   npx tsx bench/http/run.ts            writes docs/bench/http.md
 *   npx tsx bench/http/run.ts --quick    fewer, shorter rounds; prints only
 *
 * 1. Overhead: POST /pair (a two-child trivial workflow) over 32 keep-alive connections against
 *    our server and against the same handler on bare node:http, Express 4 and Fastify; each
 *    contender in its own process, measured in turn within a round (order rotating), ratio per round.
 * 2. Event streams: a 1,000-child run with 100 live subscribers vs none, rounds alternating.
 * 3. Record size: a finished 1,000-child run's record and events, bytes per child.
 * Everything binds and connects to 127.0.0.1 only.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { commitOf } from "../revision.js";
import { median } from "../stats.js";
import { type Contender, spawnContender } from "./contenders.js";
import { load, type LoadResult } from "./load.js";
import { KINDS, type Kind } from "./servers.js";
import { FAN, fanRun, recordBytes } from "./sse.js";

const PAGE = "docs/bench/http.md";
const quick = process.argv.includes("--quick");
const CONNECTIONS = 32;
const WINDOW_MS = quick ? 1000 : 1500;
const ROUNDS = quick ? 3 : 11;
const SSE_ROUNDS = quick ? 3 : 7;
const SUBSCRIBERS = 100;
const TARGETS = { overhead: 1.3, sse: 1.2, bytesPerChild: 1024 } as const;

const fmt = (value: number, digits = 1) => value.toFixed(digits);
const range = (values: readonly number[]) => `${fmt(Math.min(...values), 2)}-${fmt(Math.max(...values), 2)}`;
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
const load1 = () => loadavg().map((v) => v.toFixed(2)).join(" / ");

const startedAt = new Date();
const loadAtStart = load1();
const commit = commitOf("HEAD");

// 1 and 2: overhead per request, our server and the bare frameworks.
const contenders = new Map<Kind, Contender>();
const results = new Map<Kind, LoadResult[]>(KINDS.map((kind) => [kind, []]));
try {
  for (const kind of KINDS) contenders.set(kind, await spawnContender(kind));
  for (const kind of KINDS) await load(`${contenders.get(kind)!.url}/pair`, { label: "warm-up" }, CONNECTIONS, WINDOW_MS);
  for (let round = 0; round < ROUNDS; round++) {
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
    for (const kind of order) {
      const result = await load(`${contenders.get(kind)!.url}/pair`, { label: `round ${round}` }, CONNECTIONS, WINDOW_MS);
      results.get(kind)!.push(result);
    }
    console.error(`overhead round ${round + 1}/${ROUNDS}: ${KINDS.map((kind) => `${kind} ${fmt(results.get(kind)!.at(-1)!.reqPerSec, 0)} req/s`).join(", ")}`);
  }
} finally {
  for (const contender of contenders.values()) await contender.stop();
}
/** Per round: time per request of `kind` over bare node:http's (at a fixed concurrency, the inverse of the req/s ratio). */
const ratios = (kind: Kind) => results.get(kind)!.map((result, round) => results.get("bare")![round]!.reqPerSec / result.reqPerSec);
const med = (kind: Kind, pick: (result: LoadResult) => number) => median(results.get(kind)!.map(pick));

// 3 and 4: subscribers and record size, on our server alone.
/** Wall times per subscriber count, one run of each per round; 10 subscribers shows how the cost grows. */
const COUNTS = [0, 10, SUBSCRIBERS] as const;
const sse = { walls: new Map<number, number[]>(COUNTS.map((count) => [count, []])), events: 0 };
const sseRatios = (count: number) => sse.walls.get(count)!.map((wall, round) => wall / sse.walls.get(0)![round]!);
let bytes: Awaited<ReturnType<typeof recordBytes>> | undefined;
const ours = await spawnContender("ours");
try {
  await fanRun(ours.url, 0);
  for (let round = 0; round < SSE_ROUNDS; round++) {
    for (let i = 0; i < COUNTS.length; i++) {
      const count = COUNTS[(i + round) % COUNTS.length]!;
      const run = await fanRun(ours.url, count);
      sse.walls.get(count)!.push(run.wallMs);
      if (count > 0) sse.events = run.eventsPerSubscriber;
    }
    console.error(`sse round ${round + 1}/${SSE_ROUNDS}: ${COUNTS.map((count) => `${count} subscribers ${sse.walls.get(count)!.at(-1)} ms`).join(", ")}`);
  }
  const last = await fanRun(ours.url, 0);
  bytes = await recordBytes(ours.url, last.id);
} finally {
  await ours.stop();
}

const overheadRatio = median(ratios("ours"));
const sseRatio = median(sseRatios(SUBSCRIBERS));
const perChild = (bytes!.record + bytes!.events) / FAN.children;
const FRAMEWORK_NAMES: Record<Kind, string> = { ours: "ours", bare: "node:http", express: "Express 4", fastify: "Fastify" };
const frameworkRows = (["bare", "express", "fastify"] as const).map((kind) => {
  const r = ratios(kind);
  return `| ${FRAMEWORK_NAMES[kind]} | ${fmt(med(kind, (x) => x.reqPerSec), 0)} | ${fmt(med(kind, (x) => x.p50Ms))} | ${fmt(med(kind, (x) => x.p99Ms))} | ${kind === "bare" ? "1.00x" : `${fmt(median(r), 2)}x`} | ${kind === "bare" ? "-" : range(r)} |`;
});
/** Whether node:http holds against each framework: a framework more than 5% faster per request (median ratio below 0.95x) says it does not. */
function frameworkVerdict(): string {
  const faster = (["express", "fastify"] as const).filter((kind) => median(ratios(kind)) < 0.95);
  if (faster.length === 0) return "The choice holds in this run: with this handler, neither framework's median time per request is more than 5% below node:http's.";
  const which = faster.map((kind) => `${FRAMEWORK_NAMES[kind]} (${fmt(median(ratios(kind)), 2)}x, range ${range(ratios(kind))})`).join(" and ");
  return `In this run ${which} answered faster than node:http by more than 5% per request (median of the per-round ratios): on speed alone the choice does not hold.`;
}

const page = `# HTTP benchmark

Generated by \`npx tsx bench/http/run.ts\` at ${startedAt.toISOString()} on commit ${commit};
${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, load average ${loadAtStart} at the start and ${load1()} at the end
(a shared, noisy machine: only ratios measured in the same run are compared). Every server binds 127.0.0.1 and every request goes over loopback.

## Overhead per request

What it compares: \`POST /pair\`, a workflow of one container step running two trivial local children
(bench/http/workflows/pair.json, nodes that answer at once), run synchronously, on

- **ours**: the server of \`blok-parallel serve\` (\`startServer\`), which for every request creates a run record, an event log, metrics and the \`x-run-id\` header around the run;
- **node:http**, **Express 4** and **Fastify**: the same handler bare: it creates an environment over the same nodes (\`createEnvironment\`, as our server does per run) and calls \`environment.run\` with the request as \`ctx.request\`, then answers the response data as JSON.

Each server runs in its own process (bench/http/serverProcess.ts), so the load generator (bench/http/load.ts: ${CONNECTIONS} keep-alive
connections, each sending its next request when the previous answer is read; every answer must be a 200) has the other core.
After a warm-up of ${WINDOW_MS} ms each, ${ROUNDS} rounds; in a round each server gets a ${WINDOW_MS} ms window, the order rotating from round to round.
The ratio is the time per request over bare node:http's, taken per round (at a fixed concurrency, bare req/s over the contender's req/s);
the tables give medians over the rounds and the ratio's range.

| server | req/s (median) | p50 ms | p99 ms | time per request vs node:http (median) | range | target | verdict |
|---|---|---|---|---|---|---|---|
| ours vs the same handler on node:http | ${fmt(med("ours", (x) => x.reqPerSec), 0)} vs ${fmt(med("bare", (x) => x.reqPerSec), 0)} | ${fmt(med("ours", (x) => x.p50Ms))} vs ${fmt(med("bare", (x) => x.p50Ms))} | ${fmt(med("ours", (x) => x.p99Ms))} vs ${fmt(med("bare", (x) => x.p99Ms))} | ${fmt(overheadRatio, 2)}x | ${range(ratios("ours"))} | ≤ ${TARGETS.overhead}x | ${verdict(overheadRatio <= TARGETS.overhead)} |

Per round (req/s):

| round | ${KINDS.join(" | ")} | ours / node:http time per request |
|---|${KINDS.map(() => "---|").join("")}---|
${results.get("ours")!.map((_, round) => `| ${round + 1} | ${KINDS.map((kind) => fmt(results.get(kind)![round]!.reqPerSec, 0)).join(" | ")} | ${fmt(ratios("ours")[round]!, 2)}x |`).join("\n")}

## The framework: node:http, Express 4 or Fastify

Issue 10 asks that the framework be picked by a side-by-side benchmark; the server is built on node:http. The same handler
on each (the rounds above; Express 4.22 with \`express.json()\`, Fastify 5.12 with its own JSON body parser, logging off):

| framework | req/s (median) | p50 ms | p99 ms | time per request vs node:http (median) | range |
|---|---|---|---|---|---|
${frameworkRows.join("\n")}

${frameworkVerdict()} The framework's share of a request is the difference between these rows: the handler (an environment
and a workflow run) is the same in each. node:http adds no dependency and gives the event streams direct control of the socket's back-pressure.

## Live subscribers

What it compares: the wall time of a map run of ${FAN.children.toLocaleString("en")} children (bench/http/workflows/fan.json: each child waits ${FAN.childMs} ms, ${FAN.maxConcurrent} at a time),
started with \`Prefer: respond-async\`, with 10 and with ${SUBSCRIBERS} subscribers of \`GET /runs/<id>/events\` (each its own connection, opened right after the 202 and read to
the end of the stream: ${sse.events} events each) against none. The wall time is the run's own, from \`started_at\` to \`finished_at\` of \`GET /runs/<id>\`
(millisecond resolution). After a warm-up run, ${SSE_ROUNDS} rounds of one run with each count, the order rotating; the ratio to the round's run without subscribers is taken per round.

| case | without subscribers ms (median) | with subscribers ms (median) | ratio (median) | range | target | verdict |
|---|---|---|---|---|---|---|
| ${FAN.children.toLocaleString("en")} children, 10 subscribers vs none (for the trend) | ${fmt(median(sse.walls.get(0)!), 0)} | ${fmt(median(sse.walls.get(10)!), 0)} | ${fmt(median(sseRatios(10)), 2)}x | ${range(sseRatios(10))} | - | - |
| ${FAN.children.toLocaleString("en")} children, ${SUBSCRIBERS} subscribers vs none | ${fmt(median(sse.walls.get(0)!), 0)} | ${fmt(median(sse.walls.get(SUBSCRIBERS)!), 0)} | ${fmt(sseRatio, 2)}x | ${range(sseRatios(SUBSCRIBERS))} | ≤ ${TARGETS.sse}x | ${verdict(sseRatio <= TARGETS.sse)} |

The run's floor is ${(FAN.children / FAN.maxConcurrent) * FAN.childMs} ms (${FAN.children.toLocaleString("en")} children of ${FAN.childMs} ms, ${FAN.maxConcurrent} at a time); the rest is the machinery's.
With ${SUBSCRIBERS} subscribers the server writes each of the run's ${sse.events} events ${SUBSCRIBERS} times: ${fmt((SUBSCRIBERS * bytes!.events) / 1e6)} MB of event text over loopback
(${fmt((SUBSCRIBERS * bytes!.events) / 1e6 / (median(sse.walls.get(SUBSCRIBERS)!) / 1000))} MB/s if spread over the median wall time), from the same thread that runs the workflow.

## A finished run's record

What a finished run of the same ${FAN.children.toLocaleString("en")} children keeps in memory: its record as \`GET /runs/<id>\` answers it (status, times, the result: one entry per child)
and its event log as a subscriber replays it (${bytes!.eventCount} events), measured as bytes on the wire.

| case | record bytes | event bytes | bytes per child | target | verdict |
|---|---|---|---|---|---|
| ${FAN.children.toLocaleString("en")}-child map run | ${bytes!.record.toLocaleString("en")} | ${bytes!.events.toLocaleString("en")} | ${fmt(perChild, 0)} | ≤ ${TARGETS.bytesPerChild} (about 1 KB) | ${verdict(perChild <= TARGETS.bytesPerChild)} |

Targets: issue 10, "Performance": overhead per request within 1.3x of the same handler on the bare framework, 100 subscribers
within 1.2x of none, at most about 1 KB per child in a finished run's record.
`;

if (quick) console.log(page);
else {
  writeFileSync(PAGE, page);
  console.error(`wrote ${PAGE}`);
}
