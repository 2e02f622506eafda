import { LRUCache } from "lru-cache";

/** Options of {@link RecentCancels}. */
export interface RecentCancelsOptions {
  /** How long a cancel request is remembered (default 10 minutes). */
  readonly ttlMs?: number;
  /** How many are remembered at most, oldest out first (default 100,000). */
  readonly max?: number;
  /** Clock of the expiries (default `performance`; a fake one in tests). */
  readonly clock?: { now(): number };
}

/**
 * Cancel requests for jobs this worker does not run (yet): a job fetched just before its cancel
 * arrived, or recovered from a dead worker. Each is remembered for a while, within a bounded
 * count, and taken once.
 */
export class RecentCancels {
  private readonly ids: LRUCache<string, true>;

  constructor({ ttlMs = 10 * 60_000, max = 100_000, clock }: RecentCancelsOptions = {}) {
    // ttlResolution 0: the clock is read at each check, and no timer caches it (a message costs one read).
    this.ids = new LRUCache<string, true>({ ttl: ttlMs, max, ttlResolution: 0, ...(clock ? { perf: clock } : {}) });
  }

  /** Remembers a cancel request for job `id`. */
  add(id: string): void {
    this.ids.set(id, true);
  }

  /** @returns whether job `id` was cancelled recently; the request is forgotten either way. */
  take(id: string): boolean {
    const cancelled = this.ids.has(id);
    this.ids.delete(id);
    return cancelled;
  }
}
