import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/parseArgs.js";
import { UsageError } from "../../../src/cli/usageError.js";
import { openPythonRuntime, PythonMessageTooLargeError, pythonWireFromEnv } from "../../../src/runtimes/python/index.js";
import { logCollector, needsPython, python, repoRoot } from "./helpers.js";

const MiB = 1024 * 1024;

describe("Python wire settings", () => {
  it("pythonWireFromEnv() reads RUNTIME_PYTHON3_SERVICE and RUNTIME_PYTHON3_MAX_MESSAGE_MB", () => {
    expect(pythonWireFromEnv({})).toEqual({});
    expect(pythonWireFromEnv({ RUNTIME_PYTHON3_SERVICE: " blok.workflow.v1.NodeService ", RUNTIME_PYTHON3_MAX_MESSAGE_MB: "128" })).toEqual({
      service: "blok.workflow.v1.NodeService",
      maxMessageBytes: 128 * MiB,
    });
  });

  it("pythonWireFromEnv() names the variable and the value it refuses", () => {
    expect(() => pythonWireFromEnv({ RUNTIME_PYTHON3_SERVICE: "NodeService" })).toThrow(
      `'RUNTIME_PYTHON3_SERVICE' must be a full gRPC service name such as nanoservice.workflow.v1.NodeService or blok.workflow.v1.NodeService: received "NodeService"`,
    );
    expect(() => pythonWireFromEnv({ RUNTIME_PYTHON3_MAX_MESSAGE_MB: "0.5" })).toThrow(
      `'RUNTIME_PYTHON3_MAX_MESSAGE_MB' must be a whole number of MiB from 1 to 2047: received "0.5"`,
    );
  });

  it("run takes --python-service and --python-max-message-mb, and refuses bad values as usage errors", () => {
    expect(parseArgs(["run", "w.json", "--python-service", "nanoservice.workflow.v1.NodeService", "--python-max-message-mb", "8"])).toMatchObject({
      pythonService: "nanoservice.workflow.v1.NodeService",
      pythonMaxMessageBytes: 8 * MiB,
    });
    expect(parseArgs(["run", "w.json"])).not.toHaveProperty("pythonService");
    expect(() => parseArgs(["run", "w.json", "--python-max-message-mb", "lots"])).toThrow(UsageError);
    expect(() => parseArgs(["run", "w.json", "--python-service", "x"])).toThrow(/'--python-service' must be a full gRPC service name/);
  });

  it.skipIf(!python)(`RUNTIME_PYTHON3_MAX_MESSAGE_MB sets the client's and the bundled runtime's limit${needsPython}`, async () => {
    const logs = logCollector();
    const runtime = await openPythonRuntime({
      env: { PYTHON_NODES_PATH: join(repoRoot, "spec/runtimes/python/fixtures/supervision"), RUNTIME_PYTHON3_MAX_MESSAGE_MB: "1" },
      start: { python, onLog: logs.onLog },
    });
    try {
      const reply = await runtime.client.execute({ node: "big_reply", context: { config: { bytes: 2 * MiB } } }).catch((e: unknown) => e);
      expect(reply).toBeInstanceOf(PythonMessageTooLargeError);
      expect(reply).toMatchObject({ direction: "reply", limitBytes: MiB });
      const request = await runtime.client.execute({ node: "wait", context: { config: { pad: "p".repeat(2 * MiB) } } }).catch((e: unknown) => e);
      expect(request).toMatchObject({ direction: "request", limitBytes: MiB, side: "client" });
    } finally {
      await runtime.close();
    }
  });
});
