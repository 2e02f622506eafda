import { describe, expect, it } from "vitest";
import { DEFAULT_PYTHON_RUNTIME_PORT, pythonRuntimeFromEnv } from "../../../src/runtimes/python/index.js";

describe("pythonRuntimeFromEnv()", () => {
  it("returns undefined when RUNTIME_PYTHON3_HOST is unset or blank", () => {
    expect(pythonRuntimeFromEnv({})).toBeUndefined();
    expect(pythonRuntimeFromEnv({ RUNTIME_PYTHON3_HOST: "  ", RUNTIME_PYTHON3_PORT: "1" })).toBeUndefined();
  });

  it("reads host and port, with Blok's 50051 as the default port", () => {
    expect(pythonRuntimeFromEnv({ RUNTIME_PYTHON3_HOST: "py", RUNTIME_PYTHON3_PORT: "6000" })).toEqual({ host: "py", port: 6000 });
    expect(pythonRuntimeFromEnv({ RUNTIME_PYTHON3_HOST: "py" })).toEqual({ host: "py", port: DEFAULT_PYTHON_RUNTIME_PORT });
  });

  it("rejects a port that is not a port number, quoting it", () => {
    for (const port of ["abc", "0", "70000", "12.5", "-1"]) {
      expect(() => pythonRuntimeFromEnv({ RUNTIME_PYTHON3_HOST: "py", RUNTIME_PYTHON3_PORT: port })).toThrow(
        new RangeError(
          `Cannot connect to the Python runtime as 'RUNTIME_PYTHON3_PORT' must be a port number (1-65535): received ${JSON.stringify(port)}`,
        ),
      );
    }
  });
});
