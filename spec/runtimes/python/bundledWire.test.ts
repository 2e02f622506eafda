import { PassThrough } from "node:stream";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BLOK_NODE_SERVICE_NAME,
  PythonMessageTooLargeError,
  PythonRuntimeClient,
  RELEASED_NODE_SERVICE_NAME,
  startPythonRuntime,
  type PythonRuntimeProcess,
} from "../../../src/runtimes/python/index.js";
import { readBoundedLines } from "../../../src/runtimes/python/boundedLines.js";
import { logCollector, needsPython, python, repoRoot } from "./helpers.js";

const nodes = join(repoRoot, "spec/runtimes/python/fixtures/supervision");
const MiB = 1024 * 1024;

describe.skipIf(!python)(`the bundled runtime's wire${needsPython}`, () => {
  let runtime: PythonRuntimeProcess;
  const logs = logCollector();
  beforeAll(async () => {
    runtime = await startPythonRuntime({ nodesDir: nodes, python, onLog: logs.onLog, maxMessageBytes: 2 * MiB });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it.each([RELEASED_NODE_SERVICE_NAME, BLOK_NODE_SERVICE_NAME])("serves %s", async (service) => {
    const client = new PythonRuntimeClient({ ...runtime, service });
    try {
      expect((await client.execute({ node: "wait", context: { config: { ms: 1 } } })).data).toMatchObject({ pid: runtime.pid });
    } finally {
      client.close();
    }
  });

  it("refuses only the request over its limit, naming size, limit and setting", async () => {
    const client = new PythonRuntimeClient(runtime);
    try {
      const [big, small] = await Promise.allSettled([
        client.execute({ node: "wait", context: { config: { pad: "p".repeat(3 * MiB) } } }),
        client.execute({ node: "wait", context: { config: { ms: 1 } } }),
      ]);
      expect(small.status).toBe("fulfilled");
      const error = (big as PromiseRejectedResult).reason as PythonMessageTooLargeError;
      expect(error).toBeInstanceOf(PythonMessageTooLargeError);
      expect(error).toMatchObject({ direction: "request", limitBytes: 2 * MiB, side: "runtime" });
      expect(error.message).toMatch(/^The request of Python node 'wait' is 4\.0 MiB \(\d+ bytes\), over the runtime's 2\.0 MiB \(2097152 bytes\) message limit: raise it with --python-max-message-mb or RUNTIME_PYTHON3_MAX_MESSAGE_MB/);
    } finally {
      client.close();
    }
  });

  it("fails only the call whose reply is over its limit", async () => {
    const client = new PythonRuntimeClient(runtime);
    try {
      const error = (await client.execute({ node: "big_reply", context: { config: { bytes: 3 * MiB } } }).catch((e: unknown) => e)) as PythonMessageTooLargeError;
      expect(error).toBeInstanceOf(PythonMessageTooLargeError);
      expect(error).toMatchObject({ direction: "reply", limitBytes: 2 * MiB, side: "runtime" });
      expect(error.message).toContain("The reply of Python node 'big_reply' is 4.0 MiB");
      expect((await client.execute({ node: "big_reply", context: { config: { bytes: 10 } } })).data).toEqual({ blob: "r".repeat(10) });
    } finally {
      client.close();
    }
  });

  it("bounds a node's output line: 5 MB without a newline reach the log cut to 1 MiB", async () => {
    const client = new PythonRuntimeClient(runtime);
    try {
      await client.execute({ node: "flood", context: { config: { bytes: 5 * MiB } } });
      const start = Date.now();
      while (!logs.lines.includes("after the flood") && Date.now() - start < 5_000) await new Promise((r) => setTimeout(r, 20));
      const cut = logs.lines.find((line) => line.startsWith("xxxx"));
      expect(cut).toBe(`${"x".repeat(MiB)} [line cut: longer than ${MiB} bytes]`);
      expect(logs.lines).toContain("after the flood");
    } finally {
      client.close();
    }
  });
});

describe.skipIf(!python)(`a node flooding stdout${needsPython}`, () => {
  it("600 MB without a newline leave the host up, its memory bounded, and the runtime serving", async () => {
    let longest = 0;
    const runtime = await startPythonRuntime({ nodesDir: nodes, python, onLog: (line) => void (longest = Math.max(longest, line.length)) });
    const client = new PythonRuntimeClient(runtime);
    try {
      // Past V8's longest string (~512 MiB): a reader keeping the line whole throws RangeError.
      await client.execute({ node: "flood", context: { config: { bytes: 600 * MiB } } });
      expect((await client.execute({ node: "wait", context: { config: { ms: 1 } } })).data).toMatchObject({ pid: runtime.pid });
      expect(longest).toBeLessThanOrEqual(MiB + 64);
    } finally {
      client.close();
      await runtime.stop();
    }
  }, 120_000);
});

/** The lines `readBoundedLines` delivers for `chunks` written one by one. */
function boundedLines(chunks: readonly string[], maxLineBytes: number): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  readBoundedLines(stream, maxLineBytes, (line) => lines.push(line));
  const ended = new Promise<string[]>((resolve) => stream.on("end", () => resolve(lines)));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  stream.resume();
  return ended;
}

describe("readBoundedLines()", () => {
  it("splits lines across chunks, drops \\r before \\n, keeps a last unterminated line", async () => {
    expect(await boundedLines(["ab", "c\r\nde\n\nf", "g"], 10)).toEqual(["abc", "de", "", "fg"]);
  });

  it("delivers an over-long line once, cut and marked, and skips its rest up to the newline", async () => {
    expect(await boundedLines(["abc", "defgh", "ijk\nok\n123", "45"], 4)).toEqual([
      "abcd [line cut: longer than 4 bytes]",
      "ok",
      "1234 [line cut: longer than 4 bytes]",
    ]);
  });
});
