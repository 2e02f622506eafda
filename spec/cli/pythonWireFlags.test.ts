import { describe, expect, it } from "vitest";
import { parseArgs, PYTHON_WIRE_USAGE, USAGE } from "../../src/cli/parseArgs.js";
import { parseServeArgs, SERVE_USAGE } from "../../src/cli/serveCommand.js";
import { UsageError } from "../../src/cli/usageError.js";
import { parseWorkerArgs, WORKER_USAGE } from "../../src/cli/workerCommand.js";

// run, serve and worker read the Python wire settings through the same flags and checks.
const commands = {
  run: (flags: string[]) => parseArgs(["run", "w.json", ...flags]),
  serve: (flags: string[]) => parseServeArgs(["--workflows", "w", ...flags], {}),
  worker: (flags: string[]) => parseWorkerArgs(["--redis", "redis://h:1", ...flags], {}),
};

describe.each(Object.entries(commands))("%s: --python-service and --python-max-message-mb", (_name, parse) => {
  it("reads them (MiB to bytes), and leaves them absent when not given", () => {
    expect(parse(["--python-service", "nanoservice.workflow.v1.NodeService", "--python-max-message-mb", "128"])).toMatchObject({
      pythonService: "nanoservice.workflow.v1.NodeService",
      pythonMaxMessageBytes: 128 * 1024 * 1024,
    });
    expect(parse([])).not.toHaveProperty("pythonService");
    expect(parse([])).not.toHaveProperty("pythonMaxMessageBytes");
  });

  it("refuses a bad value, naming the flag", () => {
    expect(() => parse(["--python-max-message-mb", "0"])).toThrow(UsageError);
    expect(() => parse(["--python-max-message-mb", "0"])).toThrow(/--python-max-message-mb/);
    expect(() => parse(["--python-service", "not a service"])).toThrow(/--python-service/);
  });
});

describe("serve: the runtime flags of run", () => {
  it("reads --workers, --worker-heap-mb and --expression-timeout-ms", () => {
    expect(parseServeArgs(["--workflows", "w", "--workers", "3", "--worker-heap-mb", "256", "--expression-timeout-ms", "0"], {})).toMatchObject({ workers: 3, workerHeapMb: 256, expressionTimeoutMs: 0 });
    expect(() => parseServeArgs(["--workflows", "w", "--worker-heap-mb", "8"], {})).toThrow(new UsageError('--worker-heap-mb must be a whole number of at least 16 (received "8")'));
  });
});

describe("usage texts", () => {
  it("list the Python wire flags in every command's help", () => {
    for (const usage of [USAGE, SERVE_USAGE, WORKER_USAGE]) expect(usage).toContain(PYTHON_WIRE_USAGE);
    expect(SERVE_USAGE).toContain("--worker-heap-mb <mb>");
    expect(SERVE_USAGE).toContain("--expression-timeout-ms <ms>");
  });
});
