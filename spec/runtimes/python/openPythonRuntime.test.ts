import { describe, expect, it } from "vitest";
import { openPythonRuntime, PythonRuntimeError } from "../../../src/runtimes/python/index.js";
import { exampleNodes, fixtureNodes, isRunning, needsPython, python } from "./helpers.js";

describe("openPythonRuntime()", () => {
  it("fails with PythonRuntimeError naming both settings when nothing is configured", async () => {
    const error = (await openPythonRuntime({ env: {} }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(PythonRuntimeError);
    expect(error.message).toContain("RUNTIME_PYTHON3_HOST");
    expect(error.message).toContain("PYTHON_NODES_PATH");
  });
});

describe.skipIf(!python)(`openPythonRuntime() embedded${needsPython}`, () => {
  it("starts the bundled runtime with PYTHON_NODES_PATH and stops it on close()", async () => {
    const runtime = await openPythonRuntime({ env: { PYTHON_NODES_PATH: exampleNodes }, start: { python } });
    const pid = runtime.embedded!.pid;
    try {
      const { data } = await runtime.client.execute({
        node: "text_stats",
        context: { request: {}, config: { text: "The cat saw the other cat.\nThe end!", top: 2 } },
      });
      expect(data).toEqual({
        characters: 35,
        characters_no_spaces: 28,
        words: 8,
        unique_words: 5,
        lines: 2,
        sentences: 2,
        average_word_length: 3.25,
        top_words: [
          { word: "the", count: 3 },
          { word: "cat", count: 2 },
        ],
      });
    } finally {
      await Promise.all([runtime.close(), runtime.close()]);
    }
    expect(isRunning(pid)).toBe(false);
  });

  it("prefers an explicit nodesDir over RUNTIME_PYTHON3_HOST", async () => {
    const runtime = await openPythonRuntime({ nodesDir: fixtureNodes, env: { RUNTIME_PYTHON3_HOST: "203.0.113.1" }, start: { python } });
    try {
      expect(runtime.embedded).toBeDefined();
      expect(runtime.client.address).toBe(`127.0.0.1:${runtime.embedded!.port}`);
    } finally {
      await runtime.close();
    }
  });
});
