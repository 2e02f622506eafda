import { afterEach, describe, expect, it } from "vitest";
import { createContext, DefaultLogger } from "../../../src/blok/index.js";

const initialConsoleLog = process.env.CONSOLE_LOG_ACTIVE;

afterEach(() => {
  process.env.CONSOLE_LOG_ACTIVE = initialConsoleLog;
});

describe("createContext()", () => {
  it("builds the context Blok's trigger starts a request with", () => {
    const config = { step: {} };
    const ctx = createContext({ config, body: { a: 1 }, workflowName: "demo" });
    expect(ctx.config).toBe(config);
    expect(ctx.request).toEqual({ body: { a: 1 }, headers: {}, query: {}, params: {} });
    expect(ctx.response).toEqual({ data: "", contentType: "", success: true, error: null });
    expect(ctx.error).toEqual({ message: [] });
    expect(ctx.eventLogger).toBeNull();
    expect(ctx._PRIVATE_).toBeNull();
    expect(ctx.workflow_name).toBe("demo");
    expect("vars" in ctx).toBe(false);
    expect("func" in ctx).toBe(false);
    expect(ctx.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ctx.logger).toBeInstanceOf(DefaultLogger);
  });

  it("defaults body to {} and takes the other request parts and the id", () => {
    const ctx = createContext({ config: {}, headers: { h: "1" }, query: { q: "2" }, params: { p: "3" }, method: "GET", id: "req-1" });
    expect(ctx.request).toEqual({ body: {}, headers: { h: "1" }, query: { q: "2" }, params: { p: "3" }, method: "GET" });
    expect(ctx.id).toBe("req-1");
  });

  it("defines env as process.env: enumerable, not writable, not configurable", () => {
    const ctx = createContext({ config: {} });
    expect(ctx.env).toBe(process.env);
    expect(Object.getOwnPropertyDescriptor(ctx, "env")).toMatchObject({ enumerable: true, writable: false, configurable: false });
    expect(() => {
      ctx.env = {};
    }).toThrow(TypeError);
    expect(Object.keys(ctx)).toContain("env");
  });

  it("takes an env, a logger and a signal", () => {
    const logger = new DefaultLogger();
    const signal = new AbortController().signal;
    const ctx = createContext({ config: {}, env: { ONLY: "this" }, logger, signal });
    expect(ctx.env).toEqual({ ONLY: "this" });
    expect(ctx.logger).toBe(logger);
    expect(ctx.signal).toBe(signal);
  });
});

describe("DefaultLogger", () => {
  it("writes one JSON line per call with level, labels and message", () => {
    process.env.CONSOLE_LOG_ACTIVE = "true";
    const lines: string[] = [];
    const logger = new DefaultLogger({ workflowName: "wf", workflowPath: "wf.json", requestId: "r1", write: (line) => lines.push(line) });
    logger.log("hello");
    logger.logLevel("warn", "careful");
    logger.error("broken", "at x");
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[0]).toMatchObject({ level: "info", message: "hello", workflow_name: "wf", workflow_path: "wf.json", request_id: "r1" });
    expect(parsed[1]).toMatchObject({ level: "warn", message: "careful" });
    expect(parsed[2]).toMatchObject({ level: "error", message: "broken", stack: "at x" });
    expect(parsed[0]).toHaveProperty("env", process.env.NODE_ENV);
  });

  it("is silent while CONSOLE_LOG_ACTIVE is 'false'", () => {
    const lines: string[] = [];
    const logger = new DefaultLogger({ write: (line) => lines.push(line) });
    process.env.CONSOLE_LOG_ACTIVE = "false";
    logger.log("hidden");
    logger.error("hidden");
    process.env.CONSOLE_LOG_ACTIVE = "true";
    logger.log("shown");
    expect(lines).toHaveLength(1);
  });

  it("keeps no history", () => {
    process.env.CONSOLE_LOG_ACTIVE = "true";
    const logger = new DefaultLogger({ write: () => undefined });
    logger.log("x");
    expect(logger.getLogs()).toEqual([]);
    expect(logger.getLogsAsText()).toBe("");
    expect(logger.getLogsAsBase64()).toBe("");
  });
});
