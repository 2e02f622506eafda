import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultHeapMb, parseWorkerPoolOptions } from "../../../src/runtimes/worker/index.js";

describe("parseWorkerPoolOptions()", () => {
  it("parseWorkerPoolOptions() sizes the pool to the machine by default", () => {
    const heap = defaultHeapMb(availableParallelism());
    expect(parseWorkerPoolOptions({ execArgv: [] })).toEqual({
      maxThreads: availableParallelism(),
      minThreads: 0,
      idleTimeoutMs: 30_000,
      maxHeapMb: heap,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: heap },
    });
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

  it("parseWorkerPoolOptions() turns heap and stack flags into resourceLimits; an explicit maxHeapMb wins", () => {
    expect(parseWorkerPoolOptions({ execArgv: ["--max-old-space-size=300", "--stack-size=2048", "--enable-source-maps"] })).toMatchObject({
      maxHeapMb: 300,
      execArgv: ["--enable-source-maps"],
      resourceLimits: { maxOldGenerationSizeMb: 300, stackSizeMb: 2 },
    });
    expect(parseWorkerPoolOptions({ maxHeapMb: 100, execArgv: ["--max_old_space_size=300"] }).resourceLimits).toEqual({ maxOldGenerationSizeMb: 100 });
  });

  it("parseWorkerPoolOptions() refuses explicit execArgv flags that worker threads reject, naming them", () => {
    expect(() => parseWorkerPoolOptions({ execArgv: ["--expose-gc", "--no-warnings", "--title=x"] })).toThrow(
      new RangeError("Cannot create worker pool as 'execArgv' holds flags worker threads reject: --expose-gc, --title=x"),
    );
  });

  it("defaultHeapMb() gives all threads together a quarter of the memory, no thread more than the host's heap limit, at least 64 MB", () => {
    const gb = 2 ** 30;
    expect(defaultHeapMb(2, { memoryBytes: 16 * gb, hostHeapLimitBytes: 4 * gb })).toBe(2048);
    expect(defaultHeapMb(1, { memoryBytes: 64 * gb, hostHeapLimitBytes: 4 * gb })).toBe(4096);
    expect(defaultHeapMb(8, { memoryBytes: 1 * gb, hostHeapLimitBytes: 4 * gb })).toBe(64);
  });

  it("parseWorkerPoolOptions() refuses unknown options", () => {
    expect(() => parseWorkerPoolOptions({ maxThread: 2 } as never)).toThrow(/^Cannot create worker pool: Unrecognized key: "maxThread"$/);
  });
});
