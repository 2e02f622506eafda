import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WorkerEntryLoadError } from "../../../src/runtimes/worker/errors.js";
import { threadEntryFile, verifyThreadEntry } from "../../../src/runtimes/worker/threadEntry.js";

const broken = fileURLToPath(new URL("./fixtures/broken-entry/entry.cjs", import.meta.url));

describe("the worker-thread entry", () => {
  it("is checked once in the calling thread: a broken one is refused at once, naming the file (piscina would leave tasks waiting)", () => {
    const error = (() => {
      try {
        return verifyThreadEntry(broken);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(WorkerEntryLoadError);
    expect(error).toMatchObject({ name: "WorkerEntryLoadError", file: broken, message: `The worker-thread entry ${broken} cannot be loaded: entry broken on purpose` });
  });

  it("loads from source (bundled once per process) and passes the check", () => {
    const file = threadEntryFile();
    expect(verifyThreadEntry(file)).toBe(file);
    expect(threadEntryFile()).toBe(file);
  });
});
