import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, startServer } from "../../src/server/index.js";
import { FIXTURES as fixtures } from "./support.js";

process.env.CONSOLE_LOG_ACTIVE = "false";

let server: BlokServer;
beforeAll(async () => {
  server = await startServer({ workflowsDir: `${fixtures}workflows`, nodesDir: `${fixtures}nodes`, port: 0, token: "s3cret", cors: "http://app.test", accessTokenTtlMs: 2_000 });
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
    ["POST", "/runs/any/access-token"],
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
    expect(((await res.json()) as { inputs: { body: unknown } }).inputs.body).toEqual({ x: 1 });
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

describe("the server's token and the workflow", () => {
  it("keeps the bearer token out of ctx.request.headers", async () => {
    const res = await fetch(`${server.url}/echo`, { method: "POST", headers: { authorization: "Bearer s3cret", "x-probe": "p", "content-type": "application/json" }, body: "{}" });
    const seen = (await res.json()) as { probe: string; authorization: string | null };
    expect(seen.probe).toBe("p");
    expect(seen.authorization).toBeNull();
    expect(JSON.stringify(seen)).not.toContain("s3cret");
  });
});

describe("access tokens for a run's event stream and page (EventSource cannot send headers)", () => {
  const auth = { authorization: "Bearer s3cret" };
  const startRun = async (): Promise<string> => {
    const res = await fetch(`${server.url}/fan`, { method: "POST", headers: { ...auth, "content-type": "application/json", prefer: "respond-async" }, body: '{"ms":1}' });
    return res.headers.get("x-run-id")!;
  };
  const mint = async (id: string) =>
    (await (await fetch(`${server.url}/runs/${id}/access-token`, { method: "POST", headers: auth })).json()) as { access_token: string; expires_at: string; events_url: string };

  it("opens that run's event stream from the URL alone, until it expires", async () => {
    const id = await startRun();
    const minted = await mint(id);
    expect(minted.events_url).toBe(`/runs/${id}/events?access_token=${encodeURIComponent(minted.access_token)}`);
    expect(Date.parse(minted.expires_at) - Date.now()).toBeLessThanOrEqual(2_000);
    const stream = await fetch(`${server.url}${minted.events_url}`);
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain("event: end");
    await new Promise((resolve) => setTimeout(resolve, Date.parse(minted.expires_at) - Date.now() + 50));
    expect((await fetch(`${server.url}${minted.events_url}`)).status).toBe(401);
  });

  it("opens that run's read-only routes: its record, its events and its live page (view_url)", async () => {
    const id = await startRun();
    const minted = (await mint(id)) as Awaited<ReturnType<typeof mint>> & { view_url: string };
    const query = `?access_token=${encodeURIComponent(minted.access_token)}`;
    expect(minted.view_url).toBe(`/runs/${id}/view${query}`);
    const page = await fetch(`${server.url}${minted.view_url}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(((await (await fetch(`${server.url}/runs/${id}${query}`)).json()) as { id: string }).id).toBe(id);
  });

  it("opens nothing else: not another run, not a write, not the list, not a forged token", async () => {
    const [one, two] = [await startRun(), await startRun()];
    const { access_token } = await mint(one);
    const query = `?access_token=${encodeURIComponent(access_token)}`;
    expect((await fetch(`${server.url}/runs/${two}/events${query}`)).status).toBe(401);
    expect((await fetch(`${server.url}/runs/${two}/view${query}`)).status).toBe(401);
    expect((await fetch(`${server.url}/runs/${two}${query}`)).status).toBe(401);
    expect((await fetch(`${server.url}/runs/${one}${query}`, { method: "DELETE" })).status).toBe(401);
    expect((await fetch(`${server.url}/runs/${one}/access-token${query}`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics${query}`)).status).toBe(401);
    expect((await fetch(`${server.url}/fan${query}`, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await fetch(`${server.url}/runs${query}`)).status).toBe(401);
    const [expiry] = access_token.split(".");
    expect((await fetch(`${server.url}/runs/${one}/events?access_token=${Number(expiry) + 60_000}.${access_token.split(".")[1]}`)).status).toBe(401);
  });
});
