import { describe, expect, it } from "vitest";
import { buildPythonContext } from "../../../src/runtimes/python/index.js";

describe("buildPythonContext()", () => {
  it("keeps the eight request fields Blok forwards and drops the rest of the request object", () => {
    const request = {
      body: { a: 1 },
      headers: { host: "x" },
      params: { workflow: "w" },
      query: { q: "1" },
      method: "POST",
      url: "/w?q=1",
      cookies: { sid: "s" },
      baseUrl: "/w",
      path: "/",
      socket: { not: "sent" },
      app: () => undefined,
    };
    expect(buildPythonContext({ request }, undefined)).toEqual({
      request: { body: { a: 1 }, headers: { host: "x" }, params: { workflow: "w" }, query: { q: "1" }, method: "POST", url: "/w?q=1", cookies: { sid: "s" }, baseUrl: "/w" },
    });
  });

  it("passes response, vars and env whole and the inputs as config", () => {
    const response = { data: "prev", error: null, success: true, contentType: "", steps: [] };
    const context = buildPythonContext({ request: { body: {} }, response, vars: { v: 1 }, env: { HOME: "/root" } }, { limit: 2 });
    expect(context).toEqual({ request: { body: {} }, response, vars: { v: 1 }, env: { HOME: "/root" }, config: { limit: 2 } });
    expect(context.response).toBe(response);
  });

  it("leaves out what is undefined, as JSON.stringify would, and tolerates a missing request", () => {
    expect(buildPythonContext({}, undefined)).toEqual({ request: {} });
    expect(Object.keys(buildPythonContext({ vars: undefined }, null))).toEqual(["request", "config"]);
  });

  it("forwards id, workflow_name, workflow_path and error (Blok's Python runner reads them) but never logger or func", () => {
    const ctx = {
      id: "r1",
      workflow_name: "w",
      workflow_path: "w-path",
      error: { message: [] },
      logger: { log: () => undefined },
      func: { f: () => 1 },
      request: {},
      response: { data: 1 },
    };
    const context = buildPythonContext(ctx, {});
    expect(context).toEqual({ id: "r1", workflow_name: "w", workflow_path: "w-path", request: {}, error: { message: [] }, response: { data: 1 }, config: {} });
    expect(Object.keys(context)).toEqual(["id", "workflow_name", "workflow_path", "request", "error", "response", "config"]);
  });
});
