import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { USAGE } from "../../src/cli/parseArgs.js";
import { BAD_INPUT, captureIO, fixture, NODES } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: output documents are checked field by field
type Any = any;

const JOURNAL = Symbol.for("blok-parallel.test.journal");
let savedNodesPath: string | undefined;

beforeEach(() => {
  savedNodesPath = process.env.NODES_PATH;
  delete process.env.NODES_PATH;
});

afterEach(() => {
  if (savedNodesPath !== undefined) process.env.NODES_PATH = savedNodesPath;
});

async function run(argv: string[]) {
  const capture = captureIO();
  const code = await main(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe("main(argv, io): usage", () => {
  it("prints the usage on stdout for --help, -h and no arguments", async () => {
    for (const argv of [["--help"], ["-h"], []]) {
      const result = await run(argv);
      expect(result).toEqual({ code: 0, stdout: USAGE, stderr: "" });
    }
  });

  it.each([
    [["run", fixture("order"), "--frobnicate"], "'--frobnicate'"],
    [["walk", fixture("order")], 'Unknown command "walk" (expected "run" or "worker")'],
    [["run"], "run needs a workflow file"],
    [["run", "a.json", "b.json"], 'Unexpected argument "b.json"'],
    [["run", fixture("order"), "--progress", "fancy"], '--progress must be auto, bar, ndjson or none (received "fancy")'],
    [["run", fixture("order"), "--strategy", "parallel"], '--strategy only accepts "sequential" (received "parallel")'],
    [["run", fixture("order"), "--workers", "0"], '--workers must be a whole number of at least 1 (received "0")'],
    [["run", fixture("order"), "--body"], "--body"],
  ])("rejects %j with exit 2, naming the problem, then the usage", async (argv, named) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const [first] = result.stderr.split("\n");
    expect(first).toMatch(/^blok-parallel: /);
    expect(first).toContain(named);
    expect(result.stderr.endsWith(USAGE)).toBe(true);
  });
});

describe("main(argv, io): runs", () => {
  it("writes the result document on stdout and nothing else", async () => {
    const result = await run(["run", fixture("order"), "--nodes", NODES, "--body", '{"ms":[0,0,0,0]}', "--progress", "none"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toMatchObject({ inputs: { completed: 4 } });
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("prints null for a workflow whose final data is undefined", async () => {
    const result = await run(["run", fixture("no-result"), "--nodes", NODES, "--progress", "none"]);
    expect(result).toMatchObject({ code: 0, stdout: "null\n" });
  });

  it.each(BAD_INPUT)("%s: exit 1, one paragraph on stderr, the same message in the error document", async (_label, argv, expected) => {
    const result = await run([...argv, "--progress", "none"]);
    expect(result.code).toBe(1);
    if (typeof expected === "string") expect(result.stderr).toBe(expected);
    else expect(result.stderr).toMatch(expected);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    const document = JSON.parse(result.stdout) as Any;
    expect(Object.keys(document)).toEqual(["error"]);
    expect(`blok-parallel: ${document.error.message}\n`).toBe(result.stderr);
  });

  it("a container failure's document carries code and json", async () => {
    const result = await run(["run", fixture("child-timeout"), "--nodes", NODES, "--body", '{"timeout":50}', "--progress", "none"]);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout) as Any;
    expect(error).toMatchObject({ message: "Node slow timed out after 50ms", code: 504, json: { reason: "child_timed_out", node: "slow" } });
    expect(error.json.execution_info).toMatchObject({ total: 2, timed_out: 1 });
  });

  it("Ctrl-C cancels the run: running children observe their abort, exit 1", async () => {
    const others = process.listeners("SIGINT");
    const sigtermListeners = process.listenerCount("SIGTERM");
    for (const listener of others) process.removeListener("SIGINT", listener);
    try {
      const runId = `sigint-${Date.now()}`;
      const pending = run(["run", fixture("window"), "--nodes", NODES, "--body", JSON.stringify({ max: 2, ms: 20_000, run: runId }), "--progress", "none"]);
      const journal = () => (((globalThis as Record<symbol, unknown>)[JOURNAL] ?? []) as { run: string; event: string }[]).filter((event) => event.run === runId);
      await vi.waitFor(() => expect(journal().filter((event) => event.event === "start")).toHaveLength(2), { timeout: 10_000 });
      process.emit("SIGINT");
      const result = await pending;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("blok-parallel: SIGINT: cancelling the run (send it again to exit at once)\nblok-parallel: Parallel execution cancelled: interrupted by SIGINT\n");
      expect(journal().filter((event) => event.event === "abort")).toHaveLength(2);
      expect(process.listenerCount("SIGINT")).toBe(0);
      expect(process.listenerCount("SIGTERM")).toBe(sigtermListeners);
    } finally {
      for (const listener of others) process.on("SIGINT", listener);
    }
  });
});

describe("main(argv, io): worker", () => {
  it("dispatches `worker` to the queue worker command: its usage on --help, exit 2 without --redis", async () => {
    const help = await run(["worker", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: blok-parallel worker --redis <url>/);
    const saved = process.env.BLOK_REDIS_URL;
    delete process.env.BLOK_REDIS_URL;
    try {
      const missing = await run(["worker"]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^blok-parallel: .*redis/i);
      expect(missing.stderr).toContain("Usage: blok-parallel worker");
    } finally {
      if (saved !== undefined) process.env.BLOK_REDIS_URL = saved;
    }
  });
});
