import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, startServer } from "../../src/server/index.js";
import { FIXTURES as fixtures } from "./support.js";

process.env.CONSOLE_LOG_ACTIVE = "false";

let server: BlokServer;
beforeAll(async () => {
  server = await startServer({ workflowsDir: `${fixtures}workflows`, nodesDir: `${fixtures}nodes`, port: 0, token: "s3cret", cors: "http://app.test" });
});
afterAll(async () => {
  await server.close();
});

describe("token and CORS", () => {
  it.each([
    ["POST", "/echo"],
    ["GET", "/runs"],
    ["GET", "/runs/any"],
    ["DELETE", "/runs/any"],
    ["GET", "/runs/any/events"],
    ["GET", "/metrics"],
    ["GET", "/nope"],
  ])("%s %s without the bearer token answers 401 with a JSON error", async (method, path) => {
    for (const authorization of [undefined, "Bearer wrong", "Bearer s3cre", "Basic czNjcmV0"]) {
      const res = await fetch(`${server.url}${path}`, { method, headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({ error: "missing or wrong bearer token (Authorization: Bearer <token>)" });
    }
  });

  it("lets the right token through, and /health-check needs none", async () => {
    const res = await fetch(`${server.url}/echo`, { method: "POST", headers: { authorization: "Bearer s3cret", "content-type": "application/json" }, body: '{"x":1}' });
    expect(res.status).toBe(200);
    expect((await fetch(`${server.url}/health-check`)).status).toBe(200);
  });

  it("sends CORS headers for the configured origin and answers preflights", async () => {
    const preflight = await fetch(`${server.url}/echo`, { method: "OPTIONS", headers: { origin: "http://app.test", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://app.test");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const res = await fetch(`${server.url}/health-check`);
    expect(res.headers.get("access-control-expose-headers")).toContain("x-run-id");
  });
});
