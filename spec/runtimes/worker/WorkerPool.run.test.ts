import { afterEach, describe, expect, it } from "vitest";
import { WorkerCloneError, WorkerNodeError, WorkerPool } from "../../../src/runtimes/worker/index.js";
import { fixture } from "./fixture.js";

let pool: WorkerPool;
afterEach(() => pool.destroy());

const run = (file: string, inputs: unknown = {}, extra: { ctx?: unknown; exportName?: string } = {}) =>
  pool.run({ modulePath: fixture(file), name: "child", ctx: extra.ctx ?? {}, inputs, ...(extra.exportName ? { exportName: extra.exportName } : {}) });

describe("WorkerPool.run() result and timing", () => {
  it("WorkerPool.run() returns the node's data and splits queue, start-up and work time", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const first = await run("class-node.mjs", { n: 1 }, { ctx: { id: "req-1", vars: { a: [1, 2] } } });
    expect(first.data).toEqual({ shape: "class", name: "child", calls: 1, ctx: { id: "req-1", vars: { a: [1, 2] } }, inputs: { n: 1 } });
    // First task on a cold pool: the thread started for it, and the module was loaded for it.
    expect(first.timing.start_ms).toBeGreaterThan(0);
    expect(first.timing.work_ms).toBeGreaterThanOrEqual(0);
    expect(first.timing.ended_at).toBeGreaterThanOrEqual(first.timing.started_at);
    expect(first.timing.work_ms).toBeCloseTo(first.timing.ended_at - first.timing.started_at, 6);

    const second = await run("class-node.mjs", { n: 2 });
    // Same thread, module cached: almost no start-up cost left.
    expect(second.timing.thread_id).toBe(first.timing.thread_id);
    expect(second.timing.start_ms).toBeLessThan(first.timing.start_ms);
    expect(second.timing.start_ms).toBeLessThan(5);
  });

  it("WorkerPool.run() gives each call of a class node a fresh instance", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    await run("class-node.mjs");
    const again = await run("class-node.mjs");
    expect(again.data).toMatchObject({ calls: 1 });
  });
});

describe("WorkerPool.run() handler shapes", () => {
  it.each([
    ["a default-exported class", "class-node.mjs", "class"],
    ["a default-exported object with handle", "object-node.mjs", "object"],
    ["a module-level handle export", "handle-export.mjs", "handle"],
    ["a CommonJS class (module.exports)", "commonjs-node.cjs", "commonjs"],
    ["a compiled CommonJS default export (__esModule)", "compiled-commonjs-node.cjs", "compiled-commonjs"],
  ])("WorkerPool.run() calls %s", async (_label, file, shape) => {
    pool = new WorkerPool({ maxThreads: 1 });
    const { data } = await run(file, { x: 1 });
    expect(data).toMatchObject({ shape, inputs: { x: 1 } });
  });

  it("WorkerPool.run() uses exportName instead of the default export", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    expect((await run("named-export.mjs", { n: 21 }, { exportName: "Doubler" })).data).toBe(42);
  });

  it("WorkerPool.run() loads a .ts node in the worker through tsx", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const { data } = await run("typed-node.ts", { words: ["a", "parallel", "run"] });
    expect(data).toEqual({ longest: "parallel", node: "child" });
  });

  it("WorkerPool.run() rejects with WorkerNodeError (kind load) when the module has no handler", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = await run("no-handler.mjs").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerNodeError);
    expect(error).toMatchObject({ name: "WorkerNodeError", kind: "load", nodeName: "child", runtime: "worker" });
    expect((error as Error).message).toMatch(/^Cannot load node "child" in a worker thread: InvalidNodeError: Local node 'child' \(.*no-handler\.mjs\) is not a node: /);
  });

  it("WorkerPool.run() rejects with WorkerNodeError (kind load) when the module does not exist, and keeps the thread", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = await run("missing.mjs").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "WorkerNodeError", kind: "load" });
    expect((error as WorkerNodeError).cause.message).toContain("missing.mjs");
    expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0, terminated: 0 });
  });
});

describe("WorkerPool.run() result shapes", () => {
  it.each([
    ["plain data", "plain", [1, 2, 3]],
    ["a primitive", "primitive", 42],
    ["{ success: true, data }", "wrapped", { wrapped: true }],
    ["a successful NodeBlokResponse", "blok-success", { fromBlok: true }],
  ])("WorkerPool.run() reads %s as data", async (_label, shape, expected) => {
    pool = new WorkerPool({ maxThreads: 1 });
    expect((await run("result-shapes.mjs", { shape })).data).toEqual(expected);
  });

  it("WorkerPool.run() rejects a NodeBlokResponse after setError as a returned failure, keeping message and code", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = (await run("result-shapes.mjs", { shape: "blok-error" }).catch((e: unknown) => e)) as WorkerNodeError;
    expect(error).toBeInstanceOf(WorkerNodeError);
    expect(error.kind).toBe("returned");
    expect(error.code).toBe(418);
    // Read as the inline path reads it: the node's setError makes it a GlobalError, code kept.
    expect(error.message).toBe('Node "child" returned an error from a worker thread: GlobalError: teapot');
    expect(error.cause).toMatchObject({ name: "GlobalError", message: "teapot", code: 418 });
    expect(error.timing.work_ms).toBeGreaterThanOrEqual(0);
  });

  it("WorkerPool.run() rejects { success: false, error: string } as a returned failure", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = await run("result-shapes.mjs", { shape: "plain-failure" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "returned", code: 500, cause: { name: "GlobalError", message: "plain failure text", code: 500 } });
  });

  it("WorkerPool.run() carries a thrown error's name, message, stack and code across the boundary", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = (await run("throwing-node.mjs", { field: "age" }).catch((e: unknown) => e)) as WorkerNodeError;
    expect(error).toBeInstanceOf(WorkerNodeError);
    expect(error).toMatchObject({ name: "WorkerNodeError", kind: "thrown", nodeName: "child", code: "E_VALIDATION" });
    expect(error.message).toBe('Node "child" failed in a worker thread: ValidationError: bad input age');
    expect(error.cause).toMatchObject({ name: "ValidationError", message: "bad input age", code: "E_VALIDATION" });
    expect(error.cause.stack).toMatch(/^ValidationError: bad input age\n\s+at ThrowingNode\.handle .*throwing-node\.mjs/);
    // The node failed, not the thread: it stays in the pool.
    expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0, terminated: 0, threads: 1 });
  });
});

describe("WorkerPool.run() values that cannot cross the thread boundary", () => {
  it("WorkerPool.run() rejects a function in ctx with WorkerCloneError naming its path", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const ctx = { id: "r1", logger: { info(): void {} } };
    const error = await run("class-node.mjs", {}, { ctx }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCloneError);
    expect(error).toMatchObject({ name: "WorkerCloneError", direction: "input", nodeName: "child", culprit: { path: "ctx.logger.info" } });
    expect((error as Error).message).toMatch(
      /^Cannot send the context and inputs of node "child" to a worker thread: ctx\.logger\.info is a function \(info\); only structured-cloneable data/,
    );
    expect((error as Error).cause).toMatchObject({ name: "DataCloneError" });
  });

  it("WorkerPool.run() names the live object around a value that cannot be cloned (a socket in inputs)", async () => {
    const { Socket } = await import("node:net");
    pool = new WorkerPool({ maxThreads: 1 });
    const socket = new Socket();
    const error = (await run("class-node.mjs", { rows: [1], conn: socket }).catch((e: unknown) => e)) as WorkerCloneError;
    socket.destroy();
    expect(error).toBeInstanceOf(WorkerCloneError);
    expect(error.culprit.owner).toEqual({ path: "inputs.conn", what: "a Socket" });
    expect(error.message).toContain("(inside a Socket at inputs.conn)");
  });

  it("WorkerPool.run() rejects a result holding a function with WorkerCloneError, and keeps the thread", async () => {
    pool = new WorkerPool({ maxThreads: 1 });
    const error = (await run("unclonable-result.mjs").catch((e: unknown) => e)) as WorkerCloneError;
    expect(error).toBeInstanceOf(WorkerCloneError);
    expect(error.direction).toBe("result");
    expect(error.message).toMatch(
      /^Cannot return the result of node "child" from its worker thread: result\.format\.render is a function \(render\)/,
    );
    expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0, terminated: 0 });
    expect((await run("class-node.mjs")).data).toMatchObject({ shape: "class" });
  });
});
