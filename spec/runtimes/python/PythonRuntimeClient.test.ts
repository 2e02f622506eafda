import { getEventListeners } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildPythonContext,
  PythonCallAbortedError,
  PythonCallTimeoutError,
  PythonNodeError,
  PythonRuntimeClient,
  PythonRuntimeUnavailableError,
  startPythonRuntime,
  type PythonRuntimeProcess,
} from "../../../src/runtimes/python/index.js";
import { fixtureNodes, isRunning, logCollector, needsPython, python, waitUntilGone } from "./helpers.js";

interface SleepyResult {
  started: number;
  ended: number;
  pid: number;
}

describe.skipIf(!python)(`PythonRuntimeClient against a real runtime process${needsPython}`, () => {
  let runtime: PythonRuntimeProcess;
  let client: PythonRuntimeClient;
  let scratch: string;
  const logs = logCollector();

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "blok-python-client-"));
    runtime = await startPythonRuntime({ nodesDir: fixtureNodes, python, onLog: logs.onLog });
    client = new PythonRuntimeClient(runtime);
  });

  afterAll(async () => {
    client?.close();
    await runtime?.stop();
    rmSync(scratch, { recursive: true, force: true });
    // No orphan: the server process is gone once stop() resolved.
    if (runtime) expect(isRunning(runtime.pid)).toBe(false);
  });

  it("execute() round-trips the Blok context subset and reports timing", async () => {
    const context = buildPythonContext(
      {
        request: { body: { text: "héllo" }, headers: { "x-id": "7" }, params: { workflow: "demo" }, query: { q: "1" }, method: "POST", url: "/demo?q=1", baseUrl: "/demo", socket: {} },
        response: { data: [1, 2], error: null, success: true, contentType: "" },
        vars: { previous: { ok: true } },
        env: { LANG: "C.UTF-8" },
      },
      { threshold: 3 },
    );
    const { data, timing } = await client.execute({ node: "echo_context", name: "echo-step", context });
    expect(data).toEqual({
      node: "echo_context",
      request: { body: { text: "héllo" }, headers: { "x-id": "7" }, params: { workflow: "demo" }, query: { q: "1" }, method: "POST", url: "/demo?q=1", baseUrl: "/demo" },
      response: { data: [1, 2], error: null, success: true, contentType: "" },
      vars: { previous: { ok: true } },
      env: { LANG: "C.UTF-8" },
      config: { threshold: 3 },
      inputs: { threshold: 3 },
    });
    expect(timing.call_ms).toBeGreaterThan(0);
    expect(timing.node_ms).toBeGreaterThan(0);
  });

  it("execute() reports connect_ms only for the call that had to connect", async () => {
    const fresh = new PythonRuntimeClient(runtime);
    try {
      const first = await fresh.execute({ node: "echo_context", context: {} });
      const second = await fresh.execute({ node: "echo_context", context: {} });
      expect(first.timing.connect_ms).toBeGreaterThan(0);
      expect(second.timing.connect_ms).toBeUndefined();
    } finally {
      fresh.close();
    }
  });

  it("execute() runs class-shaped nodes from <node>/node.py, with relative imports", async () => {
    const { data } = await client.execute({ node: "class_node", context: { config: { who: "blok" } } });
    expect(data).toEqual({ greeting: "HELLO BLOK!" });
  });

  it("execute() calls overlap on one channel: four 300 ms async nodes run at the same time", async () => {
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => client.execute({ node: "sleepy", context: { config: { ms: 300 } } })),
    );
    const spans = results.map((r) => r.data as SleepyResult);
    // Server-reported: every call started before any call ended, so all four were in flight together.
    const lastStart = Math.max(...spans.map((s) => s.started));
    const firstEnd = Math.min(...spans.map((s) => s.ended));
    expect(lastStart).toBeLessThan(firstEnd);
    expect(new Set(spans.map((s) => s.pid)).size).toBe(1);
  });

  it("execute() turns a Python exception into PythonNodeError with type, message and traceback", async () => {
    const error = await client.execute({ node: "failing", name: "parse-step", context: { config: { kind: "value" } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonNodeError);
    const nodeError = error as PythonNodeError;
    expect(nodeError.name).toBe("PythonNodeError");
    expect(nodeError.node).toBe("failing");
    expect(nodeError.step).toBe("parse-step");
    expect(nodeError.pythonType).toBe("ValueError");
    expect(nodeError.pythonMessage).toBe("invalid literal for int() with base 10: 'not a number'");
    expect(nodeError.message).toContain("Python node 'failing' (step 'parse-step') raised ValueError");
    expect(nodeError.pythonStack).toMatch(/Traceback[\s\S]*in _parse[\s\S]*ValueError/);
    expect(nodeError.code).toBeUndefined();
  });

  it("execute() carries NodeError's code and json", async () => {
    const error = (await client.execute({ node: "failing", context: { config: { kind: "node_error" } } }).catch((e: unknown) => e)) as PythonNodeError;
    expect(error).toBeInstanceOf(PythonNodeError);
    expect(error.pythonType).toBe("NodeError");
    expect(error.code).toBe(418);
    expect(error.json).toEqual({ reason: "short and stout" });
  });

  it("execute() fails clearly when a node returns data JSON cannot carry", async () => {
    const error = (await client.execute({ node: "failing", context: { config: { kind: "bad_result" } } }).catch((e: unknown) => e)) as PythonNodeError;
    expect(error.pythonType).toBe("NodeResultError");
    expect(error.pythonMessage).toMatch(/node 'failing' returned data that cannot be sent as JSON.*set/);
  });

  it("execute() names the node and the directory when the node does not exist", async () => {
    const error = (await client.execute({ node: "no_such_node", context: {} }).catch((e: unknown) => e)) as PythonNodeError;
    expect(error).toBeInstanceOf(PythonNodeError);
    expect(error.pythonType).toBe("NodeNotFoundError");
    expect(error.pythonMessage).toContain("node 'no_such_node' not found in");
    expect(error.pythonMessage).toContain(fixtureNodes);
    expect(error.pythonMessage).toContain("no_such_node.py");
  });

  it("execute() reports an import failure as NodeLoadError with the original cause", async () => {
    const error = (await client.execute({ node: "broken_import", context: {} }).catch((e: unknown) => e)) as PythonNodeError;
    expect(error.pythonType).toBe("NodeLoadError");
    expect(error.pythonMessage).toContain("this node needs a module that is not installed");
  });

  it("execute() keeps data that merely looks like an error reply as data (metadata decides)", async () => {
    const { data } = await client.execute({ node: "lookalike", context: {} });
    expect(data).toEqual({ error: "not an error", stack: "just data" });
  });

  it("execute() with timeoutMs cancels the async node on the server, which then serves the next call", async () => {
    const marker = join(scratch, "deadline");
    const started = performance.now();
    const error = await client.execute({ node: "sleepy", context: { config: { ms: 10_000, marker } }, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonCallTimeoutError);
    expect((error as PythonCallTimeoutError).timeoutMs).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);
    // Server-side proof: the node's asyncio task was cancelled (it wrote the marker on CancelledError).
    await expect.poll(() => existsSync(marker), { timeout: 2_000 }).toBe(true);
    expect(readFileSync(marker, "utf8")).toMatch(/^cancelled after \d+ ms$/);
    const next = await client.execute({ node: "echo_context", context: { config: { again: true } } });
    expect((next.data as { inputs: unknown }).inputs).toEqual({ again: true });
  });

  it("execute() aborted by its signal cancels the RPC and the node", async () => {
    const marker = join(scratch, "abort");
    const controller = new AbortController();
    const pending = client.execute({ node: "sleepy", context: { config: { ms: 10_000, marker } }, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("child timed out")), 200);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonCallAbortedError);
    expect((error as PythonCallAbortedError).reason).toEqual(new Error("child timed out"));
    await expect.poll(() => existsSync(marker), { timeout: 2_000 }).toBe(true);
    await expect(client.execute({ node: "echo_context", context: {} })).resolves.toBeDefined();
  });

  it("execute() with an already aborted signal does not call the runtime", async () => {
    const marker = join(scratch, "never");
    const error = await client
      .execute({ node: "sleepy", context: { config: { ms: 10, marker } }, signal: AbortSignal.abort("stop") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonCallAbortedError);
    expect(existsSync(marker)).toBe(false);
  });

  it("execute() removes its abort listener when the call ends, success or failure", async () => {
    const { signal } = new AbortController();
    const pending = client.execute({ node: "echo_context", context: {}, signal });
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    await pending;
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    await client.execute({ node: "failing", context: { config: { kind: "value" } }, signal }).catch(() => undefined);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("execute() cancels a sync node cooperatively: ctx.cancelled becomes true in its thread", async () => {
    const marker = join(scratch, "sync");
    const error = await client.execute({ node: "sync_sleepy", context: { config: { ms: 10_000, marker } }, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonCallTimeoutError);
    await expect.poll(() => existsSync(marker), { timeout: 2_000 }).toBe(true);
    const { data } = await client.execute({ node: "sync_sleepy", context: { config: { ms: 20, marker } } });
    expect(data).toEqual({ slept_ms: 20 });
  });

  it("execute() after close() fails with PythonRuntimeUnavailableError", async () => {
    const closed = new PythonRuntimeClient(runtime);
    closed.close();
    await expect(closed.execute({ node: "echo_context", context: {} })).rejects.toBeInstanceOf(PythonRuntimeUnavailableError);
  });

  it("execute() rejects a context JSON cannot serialise before calling", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(client.execute({ node: "echo_context", context: cyclic })).rejects.toBeInstanceOf(TypeError);
  });

  it("stays one process for the whole suite", async () => {
    expect(isRunning(runtime.pid)).toBe(true);
    expect(logs.lines).toEqual([]);
  });
});

describe.skipIf(!python)(`PythonRuntimeClient when the runtime dies${needsPython}`, () => {
  it("execute() fails with PythonRuntimeUnavailableError, without hanging, when the server is SIGKILLed mid-call", async () => {
    const runtime = await startPythonRuntime({ nodesDir: fixtureNodes, python });
    const client = new PythonRuntimeClient(runtime);
    try {
      const pending = client.execute({ node: "sleepy", context: { config: { ms: 30_000 } } });
      const settled = pending.catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      process.kill(runtime.pid, "SIGKILL");
      const started = performance.now();
      const error = await settled;
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(PythonRuntimeUnavailableError);
      expect((error as PythonRuntimeUnavailableError).address).toBe(`127.0.0.1:${runtime.port}`);
      expect((error as PythonRuntimeUnavailableError).node).toBe("sleepy");
      expect((await runtime.exited).signal).toBe("SIGKILL");
      // Later calls fail fast too.
      await expect(client.execute({ node: "echo_context", context: {} })).rejects.toBeInstanceOf(PythonRuntimeUnavailableError);
    } finally {
      client.close();
      await runtime.stop();
    }
    expect(await waitUntilGone(runtime.pid)).toBe(true);
  });

  it("execute() fails with PythonRuntimeUnavailableError when nothing listens", async () => {
    const runtime = await startPythonRuntime({ nodesDir: fixtureNodes, python });
    const { port } = runtime;
    await runtime.stop();
    const client = new PythonRuntimeClient({ host: "127.0.0.1", port });
    try {
      const error = await client.execute({ node: "echo_context", context: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PythonRuntimeUnavailableError);
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      client.close();
    }
  });
});
