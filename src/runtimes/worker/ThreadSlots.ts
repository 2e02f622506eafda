/** How a wait for a slot ended. */
export type SlotOutcome = "admitted" | "aborted" | "closed";

/**
 * First-come, first-served admission to a fixed number of thread slots: the pool hands piscina
 * at most one task per thread, and keeps every other task here.
 *
 * Why not piscina's own queue: when an abort or a crash removes the last thread of a pool whose
 * `minThreads` is 0, piscina 5.3 starts no replacement for the tasks still queued inside it, and
 * they wait forever (the piscina#805 family; pinned by spec/runtimes/worker/WorkerPool.cancellation.test.ts).
 * Submitted only when a slot is free, a task always finds an idle thread or room to start one.
 * Waiting here also makes aborting a queued task a local affair: it just leaves the line.
 */
export class ThreadSlots {
  /** Slots nobody holds. Stays 0 while anyone waits: `release` hands a slot straight on. */
  #free: number;
  /** Settle functions of the waiting calls; a Set keeps insertion (arrival) order. */
  readonly #waiting = new Set<(outcome: SlotOutcome) => void>();
  #closed = false;

  /** @param size how many slots there are (the pool's `maxThreads`) */
  constructor(size: number) {
    this.#free = size;
  }

  /** @returns how many calls are waiting for a slot */
  get waiting(): number {
    return this.#waiting.size;
  }

  /**
   * Waits for a slot. Never rejects.
   *
   * @param signal leaving the line when it fires; its listener is removed however the wait ends
   * @returns `admitted` (the caller now holds a slot and must `release` it), `aborted` (the signal
   *   fired first, or had already), or `closed` (`close` was called)
   */
  acquire(signal?: AbortSignal): Promise<SlotOutcome> {
    if (this.#closed) return Promise.resolve("closed");
    if (signal?.aborted === true) return Promise.resolve("aborted");
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve("admitted");
    }
    return new Promise((resolve) => {
      const settle = (outcome: SlotOutcome): void => {
        this.#waiting.delete(settle);
        signal?.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => settle("aborted");
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.add(settle);
    });
  }

  /** Gives a held slot back: to the longest-waiting call if there is one. */
  release(): void {
    const [next] = this.#waiting;
    if (next === undefined) this.#free++;
    else next("admitted");
  }

  /** Ends every wait with `closed`, and every later `acquire` too. */
  close(): void {
    this.#closed = true;
    for (const settle of [...this.#waiting]) settle("closed");
  }
}
