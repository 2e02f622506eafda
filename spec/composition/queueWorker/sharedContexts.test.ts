import { describe, expect, it } from "vitest";
import { SharedContexts } from "../../../src/composition/queueWorker/sharedContexts.js";

/** A fake Redis GET: `texts` by id, every read counted. */
function store(texts: Record<string, string | null>) {
  const reads: string[] = [];
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const fetch = async (id: string) => {
    reads.push(id);
    if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
    return texts[id] ?? null;
  };
  return { fetch, reads, gate, release: () => release?.() };
}

describe("SharedContexts: a worker's byte-bounded cache of shared context parts", () => {
  it("fetches a part once, also for jobs that ask while the first fetch is in flight", async () => {
    const redis = store({ a: '{"rows":[1,2,3]}' });
    const contexts = new SharedContexts(redis.fetch, 1_000);
    redis.gate.hold = true;
    const first = contexts.get("a");
    const second = contexts.get("a");
    await Promise.resolve();
    redis.release();
    expect(await Promise.all([first, second])).toEqual(['{"rows":[1,2,3]}', '{"rows":[1,2,3]}']);
    redis.gate.hold = false;
    expect(await contexts.get("a")).toBe('{"rows":[1,2,3]}');
    expect(redis.reads).toEqual(["a"]);
  });

  it("keeps what fits in its budget, least recently used out first", async () => {
    const redis = store({ a: "a".repeat(40), b: "b".repeat(40), c: "c".repeat(40) });
    const contexts = new SharedContexts(redis.fetch, 100);
    await contexts.get("a");
    await contexts.get("b");
    await contexts.get("a"); // a is now more recent than b
    await contexts.get("c"); // 120 > 100: b goes
    await contexts.get("a");
    await contexts.get("c");
    expect(redis.reads).toEqual(["a", "b", "c"]);
    await contexts.get("b");
    expect(redis.reads).toEqual(["a", "b", "c", "b"]);
  });

  it("hands a part larger than the whole budget to its job without keeping it", async () => {
    const redis = store({ big: "x".repeat(200) });
    const contexts = new SharedContexts(redis.fetch, 100);
    expect(await contexts.get("big")).toHaveLength(200);
    expect(await contexts.get("big")).toHaveLength(200);
    expect(redis.reads).toEqual(["big", "big"]);
  });

  it("names a part gone from Redis, and tries again for the next job", async () => {
    const texts: Record<string, string | null> = { gone: null };
    const redis = store(texts);
    const contexts = new SharedContexts(redis.fetch, 100);
    await expect(contexts.get("gone")).rejects.toThrow("The shared context gone of this job's run is gone from Redis (the run ended, or the key expired)");
    texts.gone = "{}";
    expect(await contexts.get("gone")).toBe("{}");
    expect(redis.reads).toEqual(["gone", "gone"]);
  });
});
