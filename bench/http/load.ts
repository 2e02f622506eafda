/**
 * A small closed-loop load generator: `connections` keep-alive sockets, each sending the next
 * request as soon as the previous answer has been read, for `durationMs`. Every answer must be
 * a 200 (a benchmark of errors would measure nothing).
 */
import { Agent, request } from "node:http";

/** What one load window measured. */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The value at quantile `q` (0..1) of a sorted sample. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function post(agent: Agent, url: URL, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url.pathname} answered ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Drives POST `url` with `body` over `connections` keep-alive connections for `durationMs`. */
export async function load(url: string, body: unknown, connections: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const text = JSON.stringify(body);
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + durationMs;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const sent = performance.now();
          await post(agent, target, text);
          latencies.push(performance.now() - sent);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, reqPerSec: latencies.length / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}
