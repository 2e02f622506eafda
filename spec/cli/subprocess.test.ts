import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { BAD_INPUT, cli, fixture, NODES, onlyDocument } from "./support.js";

const SUBPROCESS_CASES = new Set(["a missing workflow file", "malformed workflow JSON", "an invalid container config", "an unknown child node", "bad --body JSON"]);

// biome-ignore lint/suspicious/noExplicitAny: output documents are checked field by field
type Any = any;

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "blok-parallel-cli-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const ORDER_RESULT = {
  inputs: {
    results: [
      { label: "w1", ms: 0 },
      { label: "w2", ms: 0 },
      { label: "w3", ms: 0 },
      { label: "w4", ms: 0 },
    ],
    completed: 4,
    previous_response: "",
  },
};

/** A stack frame line, as printed by V8. */
const STACK_FRAME = /^\s+at /m;

describe.concurrent("blok-parallel run (subprocess): results", () => {
  it("prints exactly one JSON document on stdout: the workflow's final response data", async ({ expect }) => {
    const run = await cli(["run", fixture("order"), "--nodes", NODES, "--body", '{"ms":[0,0,0,0]}', "--progress", "none"]);
    expect(run.code).toBe(0);
    expect(onlyDocument(run.stdout)).toEqual(ORDER_RESULT);
    expect(run.stderr).toBe("");
  });

  it("reads --body from a file with @file, finds local nodes through NODES_PATH, and (auto, no terminal) writes no progress", async ({ expect }) => {
    const file = path.join(scratch, "body.json");
    await writeFile(file, JSON.stringify({ ms: [0, 0, 0, 0] }));
    const run = await cli(["run", fixture("order"), "--body", `@${file}`], { NODES_PATH: NODES });
    expect(run.code).toBe(0);
    expect(onlyDocument(run.stdout)).toEqual(ORDER_RESULT);
    expect(run.stderr).toBe("");
  });

  it("prints null (valid JSON), not 'undefined', when the workflow's final data is undefined", async ({ expect }) => {
    const run = await cli(["run", fixture("no-result"), "--nodes", NODES, "--progress", "none"]);
    expect(run.code).toBe(0);
    expect(onlyDocument(run.stdout)).toBeNull();
  });

  it("--strategy sequential runs every container one child at a time; --logs prints log lines on stderr", async ({ expect }) => {
    const run = await cli(["run", fixture("window"), "--nodes", NODES, "--body", '{"max":6,"ms":20}', "--strategy", "sequential", "--progress", "none", "--logs"]);
    expect(run.code).toBe(0);
    expect((onlyDocument(run.stdout) as Any).execution_info.concurrent_peak).toBe(1);
    // --logs: Blok's log lines go to stderr, never to stdout.
    expect(run.stderr).toContain("Running node: fan");
  });

  it("--compare-sequential prints a speed-up line on stderr and the result of the run as written", async ({ expect }) => {
    // Six 300 ms sleeps: about 0.3 s as written, 1.8 s sequentially, even on a busy machine.
    const run = await cli(["run", fixture("window"), "--nodes", NODES, "--body", '{"max":6,"ms":300}', "--compare-sequential", "--progress", "none"]);
    expect(run.code).toBe(0);
    expect((onlyDocument(run.stdout) as Any).execution_info.concurrent_peak).toBe(6);
    const match = /sequential: \d+\.\d\ds; speed-up (\d+\.\d\d)x/.exec(run.stderr);
    expect(match, run.stderr).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(1.5);
  });

  it("runs an example on a small dataset", async ({ expect }) => {
    const run = await cli(["run", "examples/pipeline/workflow.json", "--nodes", "examples/nodes", "--body", '{"size_mb":0.2,"rounds":2}', "--progress", "none", "--workers", "2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(onlyDocument(run.stdout)).toMatchObject({ chunks: 5, missing_chunks: 0, parallel: { completed: 5, failed: 0 } });
  });
});

describe.concurrent("blok-parallel run (subprocess): progress on stderr", () => {
  it("--progress ndjson writes one JSON object per line, each with its execution_info", async ({ expect }) => {
    const run = await cli(["run", fixture("order"), "--nodes", NODES, "--body", '{"ms":[0,0,0,0]}', "--progress", "ndjson"]);
    expect(run.code).toBe(0);
    expect(onlyDocument(run.stdout)).toEqual(ORDER_RESULT);
    const lines = run.stderr.trimEnd().split("\n");
    const events = lines.map((line) => JSON.parse(line) as Any);
    for (const event of events) {
      expect(event.step).toBe("fan-out");
      expect(event.info).toMatchObject({ total: 4 });
    }
    expect(events.filter((event) => event.type === "started")).toHaveLength(4);
    expect(events.filter((event) => event.type === "succeeded")).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: "finished", outcome: "succeeded", info: { completed: 4, failed: 0 } });
  });

  it("--progress bar draws a bar with counts, ending on the finished line", async ({ expect }) => {
    const run = await cli(["run", fixture("window"), "--nodes", NODES, "--body", '{"max":2,"ms":150}', "--progress", "bar"]);
    expect(run.code).toBe(0);
    expect(onlyDocument(run.stdout)).toMatchObject({ execution_info: { completed: 6 } });
    const frames = run.stderr.split("\r\x1b[2K").filter(Boolean);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatch(/^fan █{24} 6\/6 {2}✓ 6 {2}running 0 {2}\d+\.\ds\n$/);
    expect(frames.some((frame) => /running 2 \(s\d, s\d\)/.test(frame))).toBe(true);
  });

});

describe.concurrent("blok-parallel run (subprocess): failures", () => {
  it("a failed run exits 1 with {error: {message, code, json}} on stdout and one paragraph on stderr; the long sibling observed its abort", async ({ expect }) => {
    const record = path.join(scratch, "fail-fast.log");
    const run = await cli(["run", fixture("fail-fast"), "--nodes", NODES, "--body", JSON.stringify({ record_file: record }), "--progress", "none"]);
    expect(run.code).toBe(1);
    const { error } = onlyDocument(run.stdout) as Any;
    expect(error.message).toBe("Node boom failed: database unreachable");
    expect(error.code).toBe(500);
    expect(error.json).toMatchObject({ reason: "child_failed", node: "boom", execution_info: { failed: 2, completed: 1 } });
    expect(error.json.results).toEqual([null, null, { label: "quick", ms: 0 }]);
    expect(run.stderr).toBe("blok-parallel: Node boom failed: database unreachable\n");
    const log = await readFile(record, "utf8");
    expect(log).toContain("long start\n");
    expect(log).toContain("long abort\n");
    expect(log).not.toContain("long end");
  });

  it("a per-child timeout exits 1 with code 504 and a message saying which child timed out", async ({ expect }) => {
    const run = await cli(["run", fixture("child-timeout"), "--nodes", NODES, "--body", '{"timeout":100}', "--progress", "none"]);
    expect(run.code).toBe(1);
    expect((onlyDocument(run.stdout) as Any).error).toMatchObject({ message: "Node slow timed out after 100ms", code: 504 });
  });

  it("--debug adds the stack trace, down to the failing child's own code", async ({ expect }) => {
    const run = await cli(["run", fixture("fail-fast"), "--nodes", NODES, "--progress", "none", "--debug"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(STACK_FRAME);
    expect(run.stderr).toContain("fixtures/nodes/work.mjs");
  });
});

describe.concurrent("blok-parallel run (subprocess): bad input gets one paragraph naming the file, field or node", () => {
  // The rest of the bad-input cases run in-process through main() (main.test.ts): same code path.
  const cases: [string, string[], RegExp | string][] = BAD_INPUT.filter(([label]) => SUBPROCESS_CASES.has(label));

  it.for(cases)("%s: exit 1, error document on stdout, one paragraph on stderr, no stack", async ([, args, expected], { expect }) => {
    const run = await cli([...args, "--progress", "none"]);
    expect(run.code).toBe(1);
    if (typeof expected === "string") expect(run.stderr).toBe(expected);
    else expect(run.stderr).toMatch(expected);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    const { error } = onlyDocument(run.stdout) as Any;
    expect(`blok-parallel: ${error.message}\n`).toBe(run.stderr);
  });

  it("an unknown option: exit 2, the option named on the first line, then the usage; nothing on stdout", async ({ expect }) => {
    const run = await cli(["run", fixture("order"), "--frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toMatch(/^blok-parallel: .*'--frobnicate'/);
    expect(run.stderr).toContain("Usage: blok-parallel run <workflow-file> [options]");
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
