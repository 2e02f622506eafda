import { LRUCache } from "lru-cache";

/** How much shared context text a worker keeps, in UTF-16 code units of JSON (about as many bytes for ASCII). */
export const SHARED_CONTEXTS_MAX = 256 * 1024 * 1024;

/**
 * Shared context parts (see `SHARED_CONTEXT_BYTES`) by id, as JSON text: fetched once per worker
 * (concurrent jobs of a run wait for the same fetch), kept while they fit in `maxSize` (least
 * recently used first out). A part larger than the whole budget is handed to its job but not kept.
 */
export class SharedContexts {
  private readonly cache: LRUCache<string, string>;

  /**
   * @param fetch - reads a part's JSON from Redis; `null` when the key is gone.
   * @param maxSize - budget of the kept texts ({@link SHARED_CONTEXTS_MAX} in a worker).
   */
  constructor(fetch: (id: string) => Promise<string | null>, maxSize = SHARED_CONTEXTS_MAX) {
    this.cache = new LRUCache<string, string>({
      maxSize,
      sizeCalculation: (json) => Math.max(1, json.length),
      fetchMethod: async (id) => (await fetch(id)) ?? goneError(id),
      // A fetch evicted while in flight (a large part came in meanwhile) still hands its text to the jobs waiting for it.
      ignoreFetchAbort: true,
    });
  }

  /**
   * The part's JSON text.
   * @throws `Error` naming the part when it is gone from Redis (a failed fetch is not kept: the next job tries again).
   */
  async get(id: string): Promise<string> {
    // `fetch` resolves `undefined` only for an aborted fetch, which `ignoreFetchAbort` rules out.
    return (await this.cache.fetch(id)) ?? goneError(id);
  }
}

function goneError(id: string): never {
  throw new Error(`The shared context ${id} of this job's run is gone from Redis (the run ended, or the key expired)`);
}
