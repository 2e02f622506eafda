import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, startServer } from "../../src/server/index.js";
import { eventReader, FIXTURES as fixtures } from "./support.js";

process.env.CONSOLE_LOG_ACTIVE = "false";

let server: BlokServer;
const url = (path: string) => `${server.url}${path}`;
const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(url(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

beforeAll(async () => {
  server = await startServer({ workflowsDir: `${fixtures}workflows`, nodesDir: `${fixtures}nodes`, port: 0, bodyLimitBytes: 1024 });
});
afterAll(async () => {
  await server.close();
});

describe("workflow routes", () => {
  it("binds 127.0.0.1 by default and picks a free port for port 0", () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("runs a workflow with the request's body, query, params and headers in ctx.request", async () => {
    const res = await post("/echo/42?tag=a&tag=b&one=1", { x: "hi", n: 1 }, { "x-probe": "yes" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-run-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({
      inputs: { x: "hi", body: { x: "hi", n: 1 } },
      method: "POST",
      query: { tag: ["a", "b"], one: "1" },
      params: { workflow: "echo", id: "42" },
      probe: "yes",
      authorization: null,
    });
  });

  it("passes hostile request data through verbatim: a body string is never code", async () => {
    const res = await post("/echo", { x: "js/process.exit(7)" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { inputs: { x: string } }).inputs.x).toBe("js/process.exit(7)");
  });

  it("answers with the response's own content type (a YAML workflow with a GET trigger)", async () => {
    const res = await fetch(url("/page?who=ada"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toBe("<p>hello ada</p>");
  });

  it("honours trigger.http: another method is 405 with Allow, another path 404, both JSON", async () => {
    const wrongMethod = await fetch(url("/page"), { method: "POST" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
    expect(wrongMethod.headers.get("x-run-id")).toBeTruthy();
    expect(await wrongMethod.json()).toEqual({ error: 'workflow "page" answers GET, not POST' });
    const wrongPath = await fetch(url("/page/extra/segments"));
    expect(wrongPath.status).toBe(404);
    expect(((await wrongPath.json()) as { error: string }).error).toContain("serves the path /");
  });

  it("answers 404 with a JSON error for an unknown workflow and for one without trigger.http", async () => {
    const unknown = await post("/nope", {});
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-run-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await unknown.json()) as { error: string }).error).toContain('no workflow "nope"');
    const untriggered = await post("/notrigger", {});
    expect(untriggered.status).toBe(404);
    expect(await untriggered.json()).toEqual({ error: 'workflow "notrigger" has no trigger.http, so it is not served over HTTP' });
  });

  it("answers 400 for malformed JSON and 413 past the body limit, with JSON errors", async () => {
    const malformed = await fetch(url("/echo"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"x": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("x-run-id")).toBeTruthy();
    expect(((await malformed.json()) as { error: string }).error).toMatch(/^malformed JSON body: /);
    const big = await post("/echo", { x: "y".repeat(2000) });
    expect(big.status).toBe(413);
    expect(big.headers.get("x-run-id")).toBeTruthy();
    expect(await big.json()).toEqual({ error: "request body over the limit of 1024 bytes (--body-limit-mb)" });
  });

  it("answers 413 for a chunked body that grows past the limit", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(`"${"z".repeat(500)}"`));
        controller.close();
      },
    });
    const res = await fetch(url("/echo"), { method: "POST", headers: { "content-type": "application/json" }, body: chunks, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("fails with the child's own code, and the JSON message", async () => {
    const res = await post("/fan", { ms: 1, fail_code: 422 });
    expect(res.status).toBe(422);
    expect(res.headers.get("x-run-id")).toBeTruthy();
    expect(((await res.json()) as { error: string }).error).toContain("refused with 422");
  });

  it("fails with 504 when a child times out", async () => {
    const res = await fetch(url("/slow"));
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
  });

  it("cancels a synchronous run whose client hangs up", async () => {
    const aborts = () => (globalThis as { __sleepAborts?: number }).__sleepAborts ?? 0;
    const waiting = () => (globalThis as { __sleepWaiting?: number }).__sleepWaiting ?? 0;
    const before = aborts();
    const waitingBefore = waiting();
    const client = new AbortController();
    const request = post("/fan", { ms: 30_000 }, {}, client.signal).catch((error: Error) => error);
    let id: string | undefined;
    while (!id) {
      const runs = (await (await fetch(url("/runs"))).json()) as { runs: { id: string; status: string }[] };
      id = runs.runs.find((run) => run.status === "running")?.id;
    }
    const events = eventReader(await fetch(url(`/runs/${id}/events`)));
    await events.until("started", 3);
    while (waiting() - waitingBefore < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    client.abort();
    expect(await request).toBeInstanceOf(Error);
    await events.rest();
    const run = (await (await fetch(url(`/runs/${id}`))).json()) as { status: string; error: { message: string } };
    expect(run).toMatchObject({ status: "cancelled", error: { message: "the client closed the connection" } });
    expect(aborts() - before).toBe(3);
  });

  it("answers /health-check", async () => {
    const res = await fetch(url("/health-check"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("sends no CORS headers unless asked to", async () => {
    const res = await fetch(url("/health-check"), { headers: { origin: "http://elsewhere.test" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
