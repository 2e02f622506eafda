import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, startServer } from "../../src/server/index.js";
import { eventReader, FIXTURES as fixtures } from "./support.js";

process.env.CONSOLE_LOG_ACTIVE = "false";

let server: BlokServer;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
/** The value of one sample line of the exposition (0 when absent). */
async function sample(line: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

beforeAll(async () => {
  server = await startServer({ workflowsDir: `${fixtures}workflows`, nodesDir: `${fixtures}nodes`, port: 0 });
});
afterAll(async () => {
  await server.close();
});

describe("GET /metrics", () => {
  it("serves Prometheus text", async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ["blok_parallel_runs_total", "blok_parallel_children_total", "blok_parallel_child_duration_seconds", "blok_parallel_running_children"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts runs by status and children by terminal state, with their durations", async () => {
    expect((await post("/fan", { ms: 20 })).status).toBe(200);
    expect((await post("/fan", { ms: 20, fail_code: 422 })).status).toBe(422);
    expect((await fetch(`${server.url}/slow`)).status).toBe(504);
    expect(await sample('blok_parallel_runs_total{workflow="fan",status="succeeded"}')).toBe(1);
    expect(await sample('blok_parallel_runs_total{workflow="fan",status="failed"}')).toBe(1);
    expect(await sample('blok_parallel_runs_total{workflow="slow",status="failed"}')).toBe(1);
    // fan: 3 succeeded; fan with b refusing: b failed, a and c cancelled; slow: one timed out, one cancelled.
    expect(await sample('blok_parallel_children_total{outcome="succeeded"}')).toBe(3);
    expect(await sample('blok_parallel_children_total{outcome="failed"}')).toBe(1);
    expect(await sample('blok_parallel_children_total{outcome="timed_out"}')).toBe(1);
    expect(await sample('blok_parallel_children_total{outcome="cancelled"}')).toBe(3);
    expect(await sample('blok_parallel_child_duration_seconds_count{outcome="succeeded"}')).toBe(3);
    expect(await sample('blok_parallel_child_duration_seconds_sum{outcome="succeeded"}')).toBeGreaterThanOrEqual(0.06 - 0.003);
  });

  it("shows the children running now, and none once the run is cancelled", async () => {
    const res = await post("/fan", { ms: 30_000 }, { prefer: "respond-async" });
    const id = res.headers.get("x-run-id")!;
    const events = eventReader(await fetch(`${server.url}/runs/${id}/events`));
    await events.until("started", 3);
    expect(await sample("blok_parallel_running_children")).toBe(3);
    await fetch(`${server.url}/runs/${id}`, { method: "DELETE" });
    await events.rest();
    expect(await sample("blok_parallel_running_children")).toBe(0);
    expect(await sample('blok_parallel_runs_total{workflow="fan",status="cancelled"}')).toBe(1);
  });
});
