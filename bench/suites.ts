/**
 * The benchmark suites `npm run bench` runs (bench/run-all.ts), each with the page under
 * docs/bench/ it writes. The docs test checks that each suite's folder writes its page.
 */
export interface Suite {
  readonly name: string;
  readonly what: string;
  /** The script and its arguments, run with `node --import tsx`. */
  readonly args: readonly string[];
  /** The page the suite writes, relative to the repository root. */
  readonly page: string;
}

export const SUITES: readonly Suite[] = [
  { name: "core", what: "the reactive executor against Promise.all, p-map and a bare rxjs pipeline (issue: core)", args: ["bench/core/run.ts"], page: "docs/bench/core.md" },
  { name: "container", what: "the container node: isolation cost over a 10 MB context, map mode over 1,000,000 items", args: ["bench/container/run.ts"], page: "docs/bench/container.md" },
  { name: "workers", what: "CPU-bound chunks in-thread vs worker threads; worker round trip", args: ["bench/workers/cpu.ts"], page: "docs/bench/workers.md" },
  { name: "python", what: "Python children: round trip vs a bare gRPC call, throughput at concurrency 1/4/16", args: ["bench/python/roundtrip.ts"], page: "docs/bench/python.md" },
  { name: "queue", what: "the BullMQ backend: per-child overhead vs local, 1 vs 2 worker processes", args: ["bench/queue/run.ts"], page: "docs/bench/queue.md" },
  { name: "mapping", what: "the mapper against the one before issue 14 (1,000 js/ expressions, a typical step), with the expression time limit", args: ["bench/mapping/run.ts"], page: "docs/bench/mapping.md" },
  { name: "http", what: "the HTTP server: overhead per request vs the same handler on bare node:http (and Express 4, Fastify), 100 live subscribers, bytes per child of a run record", args: ["bench/http/run.ts"], page: "docs/bench/http.md" },
  { name: "view", what: "the live run page in chromium: frame rate and long tasks on a live and on a finished 10,000-child run", args: ["bench/view/run.ts"], page: "docs/bench/view.md" },
];
