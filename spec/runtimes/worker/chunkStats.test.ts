import { describe, expect, it } from "vitest";
import ChunkStats from "../../../examples/mixed/nodes/chunk-stats/index.mjs";
import { WorkerPool } from "../../../src/runtimes/worker/index.js";
import { chunkStatsNode } from "./fixture.js";

describe("examples/mixed/nodes/chunk-stats", () => {
  it("chunk-stats computes stats and a chained digest of a number chunk in-thread", async () => {
    const result = await new ChunkStats().handle({}, { values: [2, 4, 4, 4, 5, 5, 7, 9], rounds: 3 });
    expect(result).toEqual({ count: 8, sum: 40, mean: 5, min: 2, max: 9, stddev: 2, digest: expect.stringMatching(/^[0-9a-f]{8}$/), rounds: 3 });
  });

  it("chunk-stats reads text as word lengths", async () => {
    expect(await new ChunkStats().handle({}, { text: "a bb  ccc\n" })).toMatchObject({ count: 3, sum: 6, min: 1, max: 3 });
  });

  it("chunk-stats digest depends on the number of rounds", async () => {
    const node = new ChunkStats();
    const one = await node.handle({}, { values: [1, 2], rounds: 1 });
    const two = await node.handle({}, { values: [1, 2], rounds: 2 });
    expect(one.digest).not.toBe(two.digest);
  });

  it("chunk-stats rejects a non-positive rounds input", async () => {
    await expect(new ChunkStats().handle({}, { values: [1], rounds: 0 })).rejects.toThrow(
      new RangeError("Cannot compute chunk stats as 'rounds' must be a positive integer: received 0"),
    );
  });

  it("chunk-stats gives the same answer in a worker thread as in-thread", async () => {
    const inputs = { values: [3, 1, 4, 1, 5, 9, 2, 6], rounds: 50 };
    const pool = new WorkerPool({ maxThreads: 1 });
    try {
      const { data } = await pool.run({ modulePath: chunkStatsNode, name: "stats", ctx: {}, inputs });
      expect(data).toEqual(await new ChunkStats().handle({}, inputs));
    } finally {
      await pool.destroy();
    }
  });
});
