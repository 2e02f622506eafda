import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PythonRuntimeClient,
  PythonRuntimeStartError,
  PythonRuntimeUnavailableError,
  startPythonRuntime,
  type PythonRuntimeProcess,
} from "../../../src/runtimes/python/index.js";
import { fixtureNodes, isRunning, logCollector, needsPython, python, repoRoot, waitUntilGone } from "./helpers.js";

const quiet = (): void => undefined;

describe.skipIf(!python)(`startPythonRuntime()${needsPython}`, () => {
  let scratch: string;
  // Every process started here, checked for orphans at the end.
  const pids: number[] = [];
  const track = (runtime: PythonRuntimeProcess): PythonRuntimeProcess => {
    pids.push(runtime.pid);
    return runtime;
  };

  const processListeners = () => ["exit", "SIGINT", "SIGTERM"].map((event) => process.listenerCount(event));
  let listenersBefore: number[];

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "blok-python-start-"));
    listenersBefore = processListeners();
  });

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    // Failed starts included: every launcher removed its exit/signal listeners.
    expect(processListeners()).toEqual(listenersBefore);
    for (const pid of pids) expect(await waitUntilGone(pid, 1_000), `python pid ${pid} still running`).toBe(true);
  });

  it("starts on a free loopback port, and stop() ends the process (idempotently) and removes its exit/signal listeners", async () => {
    const before = processListeners();
    const runtime = track(await startPythonRuntime({ nodesDir: fixtureNodes, python }));
    expect(processListeners()).toEqual(before.map((n) => n + 1));
    expect(runtime.host).toBe("127.0.0.1");
    expect(runtime.port).toBeGreaterThan(0);
    expect(runtime.python).toBe(python);
    expect(runtime.startupMs).toBeGreaterThan(0);
    expect(isRunning(runtime.pid)).toBe(true);
    await Promise.all([runtime.stop(), runtime.stop()]);
    expect(await runtime.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(runtime.pid)).toBe(false);
    expect(processListeners()).toEqual(before);
  });

  it("runs several runtimes side by side on different ports", async () => {
    const [a, b] = await Promise.all([
      startPythonRuntime({ nodesDir: fixtureNodes, python }),
      startPythonRuntime({ nodesDir: fixtureNodes, python }),
    ]);
    track(a);
    track(b);
    expect(a.port).not.toBe(b.port);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("forwards what nodes print to onLog, tagged with the stream", async () => {
    const received: [string, string][] = [];
    const runtime = track(await startPythonRuntime({ nodesDir: fixtureNodes, python, onLog: (line, stream) => void received.push([stream, line]) }));
    const client = new PythonRuntimeClient(runtime);
    try {
      await client.execute({ node: "chatty", context: { config: { word: "hi" } } });
      await expect.poll(() => received.length).toBe(2);
      expect(received).toContainEqual(["stdout", "stdout says hi"]);
      expect(received).toContainEqual(["stderr", "stderr says hi"]);
    } finally {
      client.close();
      await runtime.stop();
    }
  });

  it("fails with PythonRuntimeStartError('exit') and the stderr tail for a missing nodes directory", async () => {
    const error = (await startPythonRuntime({ nodesDir: join(scratch, "missing"), python, onLog: quiet }).catch((e: unknown) => e)) as PythonRuntimeStartError;
    expect(error).toBeInstanceOf(PythonRuntimeStartError);
    expect(error.failure).toBe("exit");
    expect(error.stderrTail).toContain("does not exist");
    expect(error.message).toContain("does not exist");
    expect(isRunning(error.pid!)).toBe(false);
  });

  it("fails with PythonRuntimeStartError('exit') when the port is taken", async () => {
    const first = track(await startPythonRuntime({ nodesDir: fixtureNodes, python }));
    try {
      const error = (await startPythonRuntime({ nodesDir: fixtureNodes, python, port: first.port, onLog: quiet }).catch((e: unknown) => e)) as PythonRuntimeStartError;
      expect(error).toBeInstanceOf(PythonRuntimeStartError);
      expect(error.failure).toBe("exit");
      expect(error.stderrTail).toContain(`cannot listen on 127.0.0.1:${first.port}`);
    } finally {
      await first.stop();
    }
  });

  it("fails with PythonRuntimeStartError('spawn') when the interpreter does not exist", async () => {
    const error = (await startPythonRuntime({ nodesDir: fixtureNodes, python: join(scratch, "no-python") }).catch((e: unknown) => e)) as PythonRuntimeStartError;
    expect(error).toBeInstanceOf(PythonRuntimeStartError);
    expect(error.failure).toBe("spawn");
    expect(error.message).toContain("ENOENT");
  });

  it("kills a process that never becomes ready and fails with PythonRuntimeStartError('timeout')", async () => {
    const silent = join(scratch, "silent-python");
    writeFileSync(silent, "#!/bin/sh\necho 'starting slowly' >&2\nexec sleep 60\n");
    chmodSync(silent, 0o755);
    const error = (await startPythonRuntime({ nodesDir: fixtureNodes, python: silent, startTimeoutMs: 500, onLog: quiet }).catch((e: unknown) => e)) as PythonRuntimeStartError;
    expect(error).toBeInstanceOf(PythonRuntimeStartError);
    expect(error.failure).toBe("timeout");
    expect(error.stderrTail).toBe("starting slowly");
    expect(isRunning(error.pid!)).toBe(false);
  });

  it("exits gracefully (code 0) on SIGTERM", async () => {
    const runtime = track(await startPythonRuntime({ nodesDir: fixtureNodes, python }));
    process.kill(runtime.pid, "SIGTERM");
    expect(await runtime.exited).toEqual({ code: 0, signal: null });
    await runtime.stop();
  });

  it("stop() cancels in-flight calls: the node sees the cancellation, the caller a typed error", async () => {
    const runtime = track(await startPythonRuntime({ nodesDir: fixtureNodes, python }));
    const client = new PythonRuntimeClient(runtime);
    const marker = join(scratch, "stopped");
    try {
      const pending = client.execute({ node: "sleepy", context: { config: { ms: 30_000, marker } } }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      await runtime.stop();
      expect(await pending).toBeInstanceOf(PythonRuntimeUnavailableError);
      expect(existsSync(marker)).toBe(true);
      expect((await runtime.exited).code).toBe(0);
    } finally {
      client.close();
    }
  });

  it("stop() does not wait forever for a sync node that ignores cancellation", async () => {
    const logs = logCollector();
    const runtime = track(await startPythonRuntime({ nodesDir: fixtureNodes, python, onLog: logs.onLog }));
    const client = new PythonRuntimeClient(runtime);
    try {
      const pending = client.execute({ node: "stubborn", context: { config: { seconds: 60 } } }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      await runtime.stop();
      // Grace period (2 s) + thread drain (1 s), well before the launcher's SIGKILL (5 s).
      expect(performance.now() - started).toBeLessThan(4_500);
      expect(await runtime.exited).toEqual({ code: 0, signal: null });
      expect(logs.lines.join("\n")).toContain("1 sync node call(s) still running");
      expect(await pending).toBeInstanceOf(PythonRuntimeUnavailableError);
    } finally {
      client.close();
    }
  });
});

describe.skipIf(!python)(`startPythonRuntime() leaves no orphan when its parent dies${needsPython}`, () => {
  /** Runs spec/runtimes/python/fixtures/launcher.ts in a separate Node.js process. */
  async function launch(): Promise<{ parent: ReturnType<typeof spawn>; pythonPid: number; parentExit: Promise<NodeJS.Signals | null> }> {
    const parent = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "spec/runtimes/python/fixtures/launcher.ts"), fixtureNodes], {
      cwd: repoRoot,
      env: { ...process.env, BLOK_PYTHON: python },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const parentExit = new Promise<NodeJS.Signals | null>((resolve) => parent.once("exit", (_code, signal) => resolve(signal)));
    const lines = createInterface({ input: parent.stdout! });
    const [first] = (await Promise.race([lines[Symbol.asyncIterator]().next().then((r) => [r.value as string]), parentExit.then(() => [])])) as string[];
    lines.close();
    if (!first) throw new Error("launcher exited before reporting the python pid");
    return { parent, pythonPid: (JSON.parse(first) as { pid: number }).pid, parentExit };
  }

  it("the server exits when its parent is SIGKILLed (stdin EOF)", async () => {
    const { parent, pythonPid, parentExit } = await launch();
    expect(isRunning(pythonPid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await parentExit).toBe("SIGKILL");
    expect(await waitUntilGone(pythonPid, 5_000)).toBe(true);
  });

  it("the server is stopped when its parent gets SIGTERM, and the parent still dies of SIGTERM", async () => {
    const { parent, pythonPid, parentExit } = await launch();
    parent.kill("SIGTERM");
    expect(await parentExit).toBe("SIGTERM");
    expect(await waitUntilGone(pythonPid, 5_000)).toBe(true);
  });

  it("the server is stopped when its parent gets SIGINT (Ctrl-C)", async () => {
    const { parent, pythonPid, parentExit } = await launch();
    parent.kill("SIGINT");
    expect(await parentExit).toBe("SIGINT");
    expect(await waitUntilGone(pythonPid, 5_000)).toBe(true);
  });
});
