import type { Run } from "./run.js";

/** Bounds of the finished runs kept in memory. */
export interface RunStoreLimits {
  /** Finished runs kept at most. */
  readonly maxRuns: number;
  /** Bytes of finished runs (record and events) kept at most. */
  readonly maxBytes: number;
}

/**
 * The runs the server knows: every running one, and the most recent finished ones within
 * {@link RunStoreLimits} (the oldest finished is evicted first; a running run is never evicted).
 */
export class RunStore {
  private readonly runs = new Map<string, Run>();
  /** Finished runs, oldest first. */
  private readonly finishedOrder: Run[] = [];
  private finishedBytes = 0;

  constructor(private readonly limits: RunStoreLimits) {}

  add(run: Run): void {
    this.runs.set(run.id, run);
  }

  get(id: string): Run | undefined {
    return this.runs.get(id);
  }

  /** Every stored run, newest first. */
  list(): Run[] {
    return [...this.runs.values()].reverse();
  }

  /** The runs still running. */
  running(): Run[] {
    return [...this.runs.values()].filter((run) => run.status === "running");
  }

  /** Call once a run has settled: counts it against the limits and evicts the oldest finished ones. */
  finished(run: Run): void {
    this.finishedOrder.push(run);
    this.finishedBytes += run.bytes;
    while (this.finishedOrder.length > this.limits.maxRuns || (this.finishedBytes > this.limits.maxBytes && this.finishedOrder.length > 0)) {
      const oldest = this.finishedOrder.shift()!;
      this.finishedBytes -= oldest.bytes;
      this.runs.delete(oldest.id);
    }
  }
}
