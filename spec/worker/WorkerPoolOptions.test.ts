import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { parseWorkerPoolOptions } from "../../src/runtimes/worker/index.js";

describe("parseWorkerPoolOptions()", () => {
  it("parseWorkerPoolOptions() sizes the pool to the machine by default", () => {
    expect(parseWorkerPoolOptions({})).toEqual({ maxThreads: availableParallelism(), minThreads: 0, idleTimeoutMs: 30_000 });
  });

  it("parseWorkerPoolOptions() raises the default maxThreads to an explicit minThreads", () => {
    expect(parseWorkerPoolOptions({ minThreads: availableParallelism() + 2 }).maxThreads).toBe(availableParallelism() + 2);
  });

  it.each([
    [{ maxThreads: 0 }, "Cannot create worker pool as 'maxThreads' must be at least 1: received 0"],
    [{ minThreads: 1.5 }, "Cannot create worker pool as 'minThreads' must be a whole number: received 1.5"],
    [{ idleTimeoutMs: -1 }, "Cannot create worker pool as 'idleTimeoutMs' must be at least 0: received -1"],
    [{ maxHeapMb: 8 }, "Cannot create worker pool as 'maxHeapMb' must be at least 16: received 8"],
    [{ minThreads: 3, maxThreads: 2 }, "Cannot create worker pool as 'minThreads' must not exceed 'maxThreads': received 3 and 2"],
  ])("parseWorkerPoolOptions(%o) throws a RangeError", (options, message) => {
    expect(() => parseWorkerPoolOptions(options)).toThrow(new RangeError(message));
  });

  it("parseWorkerPoolOptions() refuses unknown options", () => {
    expect(() => parseWorkerPoolOptions({ maxThread: 2 } as never)).toThrow(/^Cannot create worker pool: Unrecognized key: "maxThread"$/);
  });
});
