import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  openPythonRuntime,
  PythonRuntimeCrashError,
  PythonRuntimeDownError,
  PythonRuntimeUnavailableError,
  startPythonRuntime,
  type OpenedPythonRuntime,
  type PythonSupervisionOptions,
} from "../../../src/runtimes/python/index.js";
import { isRunning, logCollector, needsPython, python, repoRoot } from "./helpers.js";

const nodes = join(repoRoot, "spec/runtimes/python/fixtures/supervision");

describe.skipIf(!python)(`bundled runtime supervision${needsPython}`, () => {
  const opened: OpenedPythonRuntime[] = [];
  afterEach(async () => {
    for (const runtime of opened.splice(0)) await runtime.close();
  });
  const open = async (supervision: PythonSupervisionOptions = {}) => {
    const logs = logCollector();
    const runtime = await openPythonRuntime({ nodesDir: nodes, start: { python, onLog: logs.onLog }, supervision: { restartDelayMs: 50, ...supervision } });
    opened.push(runtime);
    return runtime;
  };

  it("fails the calls in flight naming the exit and their node, restarts, and serves again", async () => {
    const runtime = await open();
    const first = runtime.embedded!.pid;
    const changes: boolean[] = [];
    runtime.availability.onChange((available) => changes.push(available));
    const [waiting, crashing] = await Promise.allSettled([
      runtime.client.execute({ node: "wait", name: "slow-step", context: { config: { ms: 5_000 } } }),
      new Promise((r) => setTimeout(r, 300)).then(() => runtime.client.execute({ node: "crash", name: "crash-step", context: { config: { code: 3 } } })),
    ]);
    const crashError = (crashing as PromiseRejectedResult).reason as PythonRuntimeCrashError;
    expect(crashError).toBeInstanceOf(PythonRuntimeCrashError);
    expect(crashError.message).toBe("The Python runtime exited with code 3 while running node 'crash' (step 'crash-step'); it is being restarted (restart 1 of at most 5 within 60000 ms)");
    const waitError = (waiting as PromiseRejectedResult).reason as PythonRuntimeCrashError;
    expect(waitError.message).toMatch(/^The Python runtime exited with code 3 while running node 'wait' \(step 'slow-step'\)/);
    // A call made while it restarts waits for the new process.
    const after = await runtime.client.execute({ node: "wait", context: { config: { ms: 1 } } });
    expect((after.data as { pid: number }).pid).not.toBe(first);
    expect(runtime.embedded!.pid).toBe((after.data as { pid: number }).pid);
    expect(isRunning(first)).toBe(false);
    expect(changes).toEqual([false, true]);
  });

  it("kills a runtime whose event loop a node blocks, naming that node and how long", async () => {
    const runtime = await open({ healthIntervalMs: 200, healthTimeoutMs: 1_500 });
    const first = runtime.embedded!.pid;
    const [spinning, waiting] = await Promise.allSettled([
      runtime.client.execute({ node: "spin", name: "spin-step", context: {} }),
      runtime.client.execute({ node: "wait", name: "wait-step", context: { config: { ms: 60_000 } } }),
    ]);
    const spinError = (spinning as PromiseRejectedResult).reason as PythonRuntimeCrashError;
    expect(spinError).toBeInstanceOf(PythonRuntimeCrashError);
    expect(spinError.cause).toBe("blocked");
    const ms = Number(/blocked the runtime's event loop for (\d+) ms/.exec(spinError.message)?.[1]);
    expect(spinError.message).toMatch(/^Python node 'spin' \(step 'spin-step'\) blocked the runtime's event loop for \d+ ms \(the health probe allows 1500 ms\)/);
    expect(ms).toBeGreaterThanOrEqual(1_500);
    const waitError = (waiting as PromiseRejectedResult).reason as Error;
    expect(waitError.message).toMatch(/^The Python runtime stopped answering while running node 'wait' \(step 'wait-step'\): node 'spin' blocked its event loop for \d+ ms/);
    const after = await runtime.client.execute({ node: "wait", context: { config: { ms: 1 } } });
    expect((after.data as { pid: number }).pid).not.toBe(first);
    expect(isRunning(first)).toBe(false);
  });

  it("gives up after its restart budget: calls then fail at once and availability says so", async () => {
    const runtime = await open({ maxRestarts: 1 });
    const changes: boolean[] = [];
    runtime.availability.onChange((available) => changes.push(available));
    await expect(runtime.client.execute({ node: "crash", context: {} })).rejects.toThrow(/exited with code 1 while running node 'crash'/);
    await runtime.availability.whenAvailable();
    await expect(runtime.client.execute({ node: "crash", context: {} })).rejects.toThrow(
      "The Python runtime exited with code 1 while running node 'crash' (step 'crash'); it is not restarted again: 2 failures within 60000 ms exceed its budget of 1 restarts",
    );
    await expect(runtime.availability.whenAvailable()).rejects.toThrow(PythonRuntimeDownError);
    expect(runtime.availability.available).toBe(false);
    const refused = await runtime.client.execute({ node: "wait", context: {} }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PythonRuntimeDownError);
    expect((refused as Error).message).toMatch(
      /^Cannot run Python node 'wait': the Python runtime is down \(it failed 2 times within 60000 ms, over its budget of 1 restarts; last failure: exited with code 1\)/,
    );
    expect(changes).toEqual([false, true, false]);
    expect(runtime.embedded).toBeUndefined();
  });

  it("close() during a restart leaves no process behind", async () => {
    const runtime = await open({ restartDelayMs: 300 });
    const first = runtime.embedded!.pid;
    await expect(runtime.client.execute({ node: "crash", context: {} })).rejects.toThrow(PythonRuntimeCrashError);
    await runtime.close();
    await expect(runtime.availability.whenAvailable()).rejects.toThrow(PythonRuntimeUnavailableError);
    await new Promise((r) => setTimeout(r, 500));
    expect(isRunning(first)).toBe(false);
    expect(runtime.embedded).toBeUndefined();
  });
});

describe.skipIf(!python)(`external runtime reconnection${needsPython}`, () => {
  it("reconnects with a short backoff when the runtime comes back on its port (never a stuck channel), and reports its availability", async () => {
    const logs = logCollector();
    let server = await startPythonRuntime({ nodesDir: nodes, python, onLog: logs.onLog });
    const port = server.port;
    const runtime = await openPythonRuntime({ env: { RUNTIME_PYTHON3_HOST: "127.0.0.1", RUNTIME_PYTHON3_PORT: String(port) } });
    try {
      await runtime.client.execute({ node: "wait", context: { config: { ms: 1 } } });
      expect(runtime.availability.available).toBe(true);
      const changes: boolean[] = [];
      runtime.availability.onChange((available) => changes.push(available));
      await server.stop();
      // Down for 6 s, the client calling now and then: each call fails fast, none hangs.
      const downUntil = Date.now() + 6_000;
      while (Date.now() < downUntil) {
        const started = Date.now();
        await expect(runtime.client.execute({ node: "wait", context: {} })).rejects.toThrow(PythonRuntimeUnavailableError);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(runtime.availability.available).toBe(false);
        await new Promise((r) => setTimeout(r, 250));
      }
      server = await startPythonRuntime({ nodesDir: nodes, python, port, onLog: logs.onLog });
      const back = Date.now();
      let served = false;
      while (!served && Date.now() - back < 3_000) {
        served = await runtime.client.execute({ node: "wait", context: { config: { ms: 1 } } }).then(() => true, () => false);
        if (!served) await new Promise((r) => setTimeout(r, 100));
      }
      expect(served).toBe(true);
      // A queue worker asking whenAvailable() sees it back, by a health probe.
      await runtime.availability.whenAvailable();
      expect(changes).toEqual([false, true]);
    } finally {
      await runtime.close();
      await server.stop();
    }
  });
});
