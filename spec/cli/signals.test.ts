import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { needsPython, python, waitUntilGone } from "../runtimes/python/helpers.js";
import { BIN, onlyDocument, REPO } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: output documents are checked field by field
type Any = any;

const WORKFLOWS = "spec/cli/fixtures/workflows";
const NODES = "spec/cli/fixtures/nodes";
const PYTHON_NODES = "spec/cli/fixtures/python-nodes";
/** Every fixture child waits or blocks this long unless stopped: an exit well before it means it was stopped. */
const CHILD_MS = 60_000;

let scratch: string;
let runs = 0;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "blok-parallel-signals-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly record: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  /** Sends `signal` to the CLI only, or (`group`) to its whole process group, as a terminal's Ctrl-C does. */
  readonly send: (signal: NodeJS.Signals, group?: boolean) => void;
  /** The record file's lines. */
  readonly lines: () => Promise<string[]>;
}

/** Starts `blok-parallel run <workflow>` in its own process group, each child recording into a fresh file. */
function start(workflow: string, extra: readonly string[] = []): Started {
  const record = path.join(scratch, `run-${++runs}.log`);
  const args = [BIN, "run", `${WORKFLOWS}/${workflow}.json`, "--nodes", NODES, "--progress", "none", "--body", JSON.stringify({ record_file: record }), ...extra];
  const child = spawn(process.execPath, args, { cwd: REPO, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk) => (out += chunk));
  child.stderr?.on("data", (chunk) => (err += chunk));
  let signalledAt = 0;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, afterMs: performance.now() - signalledAt })),
  );
  return {
    child,
    record,
    stdout: () => out,
    stderr: () => err,
    exit,
    send: (signal, group = false) => {
      signalledAt ||= performance.now();
      process.kill(group ? -(child.pid as number) : (child.pid as number), signal);
    },
    lines: async () => (await readFile(record, "utf8").catch(() => "")).split("\n").filter(Boolean),
  };
}

/** Waits until the record file holds `count` lines ending in "start..." (every child is running). */
async function started(run: Started, count: number): Promise<string[]> {
  let lines: string[] = [];
  await vi.waitFor(
    async () => {
      lines = await run.lines();
      if (run.child.exitCode !== null) throw new Error(`the CLI exited early: ${run.stderr()}`);
      expect(lines.filter((line) => / start/.test(line))).toHaveLength(count);
    },
    { timeout: 30_000, interval: 50 },
  );
  return lines;
}

describe.concurrent("blok-parallel run (subprocess): the first SIGINT or SIGTERM cancels, the run reports, exit 1", { timeout: 90_000 }, () => {
  it.for(["SIGTERM", "SIGINT"] as const)(
    "%s mid-run: error document on stdout, exit 1; the in-process child saw its abort and the worker thread ended",
    async (signal) => {
      const run = start("signal");
      await started(run, 2);
      run.send(signal);
      const { code, afterMs } = await run.exit;
      expect(code, run.stderr()).toBe(1);
      const { error } = onlyDocument(run.stdout()) as Any;
      expect(error.message).toBe(`Parallel execution cancelled: interrupted by ${signal}`);
      expect(error.json.execution_info).toMatchObject({ total: 2, cancelled: 2, running: 0 });
      expect(run.stderr()).toBe(
        `blok-parallel: ${signal}: cancelling the run (send it again to exit at once)\nblok-parallel: Parallel execution cancelled: interrupted by ${signal}\n`,
      );
      const lines = await run.lines();
      expect(lines).toContain("inproc abort");
      expect(lines).not.toContain("inproc end");
      // The thread was blocked for a minute: the CLI can only have exited that early if it was terminated.
      expect(lines).not.toContain("thread end");
      expect(afterMs).toBeLessThan(CHILD_MS / 2);
    },
  );

  it("a second signal exits at once, with an error document, while a node that ignores its abort still runs", async () => {
    const run = start("signal-stubborn");
    await started(run, 1);
    run.send("SIGTERM");
    await vi.waitFor(() => expect(run.stderr()).toContain("SIGTERM: cancelling the run"), { timeout: 10_000 });
    // The stubborn node keeps the run going: still no document after the first signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.child.exitCode).toBeNull();
    expect(run.stdout()).toBe("");
    run.send("SIGTERM");
    const { code, afterMs } = await run.exit;
    expect(code).toBe(1);
    expect(afterMs).toBeLessThan(CHILD_MS / 2);
    const { error } = onlyDocument(run.stdout()) as Any;
    expect(error.message).toBe("interrupted by SIGTERM twice: exited without waiting for the run to cancel");
    expect(await run.lines()).toEqual(["stubborn start"]);
  });
});

describe.concurrent(`blok-parallel run (subprocess): signals with Python children${needsPython}`, { timeout: 90_000 }, () => {
  const pythonArgs = ["--python-nodes", PYTHON_NODES, ...(python ? ["--python", python] : [])];

  it.skipIf(!python)("SIGTERM: the Python call is cancelled (the node sees CancelledError), exit 1 with the error document, no Python process left", async () => {
    const run = start("signal-python", pythonArgs);
    const lines = await started(run, 2);
    const pid = Number(/^py start pid (\d+)$/m.exec(lines.join("\n"))?.[1]);
    run.send("SIGTERM");
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(1);
    expect((onlyDocument(run.stdout()) as Any).error).toMatchObject({
      message: "Parallel execution cancelled: interrupted by SIGTERM",
      json: { execution_info: { cancelled: 2 } },
    });
    expect(await run.lines()).toEqual(expect.arrayContaining(["inproc abort", "py cancelled"]));
    expect(await waitUntilGone(pid, 5_000)).toBe(true);
  });

  it.skipIf(!python)("Ctrl-C (SIGINT to the whole process group, Python included): exit 1 with the error document, not 130 and empty stdout", async () => {
    const run = start("signal-python", pythonArgs);
    const lines = await started(run, 2);
    const pid = Number(/^py start pid (\d+)$/m.exec(lines.join("\n"))?.[1]);
    run.send("SIGINT", true);
    const { code, signal } = await run.exit;
    expect({ code, signal }, run.stderr()).toEqual({ code: 1, signal: null });
    expect((onlyDocument(run.stdout()) as Any).error.message).toBe("Parallel execution cancelled: interrupted by SIGINT");
    expect(await run.lines()).toContain("inproc abort");
    expect(await waitUntilGone(pid, 5_000)).toBe(true);
  });
});
