import type * as PromClient from "prom-client";
import type { ParallelEvent } from "../core/index.js";
import type { Run } from "./run.js";
import { requirePeer } from "../peers/index.js";

/** Child duration buckets, seconds: from a trivial in-process child to a long remote one. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process keep
 * apart):
 *
 * - `blok_parallel_runs_total{workflow,status}`: runs ended, by `succeeded`/`failed`/`cancelled`;
 * - `blok_parallel_children_total{outcome}`: children ended, by their one terminal state
 *   (`succeeded`, `failed`, `timed_out`, `cancelled`), counted from each container's final snapshot
 *   so children that never started are counted too;
 * - `blok_parallel_child_duration_seconds{outcome}`: from a child's first start to its end
 *   (children that never started have no duration);
 * - `blok_parallel_running_children`: children holding a slot now, over every live container.
 */
export class ServerMetrics {
  // prom-client is an optional peer, loaded when a server starts: `serve --help` and `run` never need it.
  readonly #prom = requirePeer<typeof PromClient>("prom-client");
  readonly registry = new this.#prom.Registry();
  private readonly runs = new this.#prom.Counter({ name: "blok_parallel_runs_total", help: "Workflow runs ended, by workflow and status.", labelNames: ["workflow", "status"] as const, registers: [this.registry] });
  private readonly children = new this.#prom.Counter({ name: "blok_parallel_children_total", help: "Container children ended, by terminal state.", labelNames: ["outcome"] as const, registers: [this.registry] });
  private readonly duration = new this.#prom.Histogram({
    name: "blok_parallel_child_duration_seconds",
    help: "Container children's time from first start to end (retries included), by terminal state.",
    labelNames: ["outcome"] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  /** Children running in each live container, keyed `<run id>\n<step>`. */
  private readonly running = new Map<string, number>();

  constructor() {
    const running = this.running;
    new this.#prom.Gauge({
      name: "blok_parallel_running_children",
      help: "Container children holding a slot now (running or waiting out a retry backoff).",
      registers: [this.registry],
      collect() {
        let total = 0;
        for (const count of running.values()) total += count;
        this.set(total);
      },
    });
  }

  /** Hears one container event of a run. */
  onEvent(run: Run, step: string, event: ParallelEvent<unknown>): void {
    const key = `${run.id}\n${step}`;
    if (event.type !== "finished") return void this.running.set(key, event.info.running);
    this.running.delete(key);
    for (const child of event.info.children ?? []) {
      this.children.inc({ outcome: child.status });
      if (child.duration_ms !== null) this.duration.observe({ outcome: child.status }, child.duration_ms / 1000);
    }
  }

  /** Counts a run that has ended, and forgets its containers (a cancelled one may end without `finished`). */
  onRunEnded(run: Run): void {
    this.runs.inc({ workflow: run.workflow, status: run.status });
    for (const key of this.running.keys()) if (key.startsWith(`${run.id}\n`)) this.running.delete(key);
  }

  /** The Prometheus text exposition, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
