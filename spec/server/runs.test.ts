import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, type RunView, startServer } from "../../src/server/index.js";
import { eventReader, FIXTURES as fixtures } from "./support.js";

process.env.CONSOLE_LOG_ACTIVE = "false";

let server: BlokServer;
const url = (path: string) => `${server.url}${path}`;
const startAsync = async (body: unknown): Promise<{ id: string; location: string; view: RunView }> => {
  const res = await fetch(url("/fan"), { method: "POST", headers: { "content-type": "application/json", prefer: "respond-async" }, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  const location = res.headers.get("location")!;
  return { id: res.headers.get("x-run-id")!, location, view: (await res.json()) as RunView };
};
const waitFor = async (id: string, status: string): Promise<RunView> => {
  for (;;) {
    const view = (await (await fetch(url(`/runs/${id}`))).json()) as RunView;
    if (view.status === status) return view;
    if (view.status !== "running") throw new Error(`run ended ${view.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Reads a whole SSE response into events (comments kept apart). */
async function readEvents(res: Response): Promise<{ events: { id?: number; event: string; data: Record<string, unknown> }[]; comments: number }> {
  const text = await res.text();
  const events = [];
  let comments = 0;
  for (const block of text.split("\n\n").filter((b) => b.trim() !== "")) {
    if (block.startsWith(":")) {
      comments++;
      continue;
    }
    const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
    events.push({ ...(fields.id ? { id: Number(fields.id) } : {}), event: fields.event!, data: JSON.parse(fields.data!) as Record<string, unknown> });
  }
  return { events, comments };
}

beforeAll(async () => {
  server = await startServer({ workflowsDir: `${fixtures}workflows`, nodesDir: `${fixtures}nodes`, port: 0, runs: { maxRuns: 3 }, sse: { heartbeatMs: 30 } });
});
afterAll(async () => {
  await server.close();
});

describe("runs", () => {
  it("Prefer: respond-async answers 202 with Location, and GET /runs/<id> follows the run to its result", async () => {
    const { id, location, view } = await startAsync({ ms: 50 });
    expect(location).toBe(`/runs/${id}`);
    expect(view).toMatchObject({ id, workflow: "fan", status: "running" });
    const done = await waitFor(id, "succeeded");
    expect(done.finished_at).toBeTruthy();
    expect(Date.parse(done.finished_at!)).toBeGreaterThanOrEqual(Date.parse(done.started_at));
    expect((done.result as { results: { label: string }[] }).results.map((r) => r.label)).toEqual(["a", "b", "c"]);
  });

  it("records a failure with its code and message", async () => {
    const { id } = await startAsync({ ms: 1, fail_code: 409 });
    const failed = await waitFor(id, "failed");
    expect(failed.error).toMatchObject({ code: 409 });
    expect(failed.error!.message).toContain("refused with 409");
  });

  it("DELETE /runs/<id> cancels: every running child's signal aborts and the status is cancelled", async () => {
    const aborts = () => (globalThis as { __sleepAborts?: number }).__sleepAborts ?? 0;
    const waiting = () => (globalThis as { __sleepWaiting?: number }).__sleepWaiting ?? 0;
    const before = aborts();
    const waitingBefore = waiting();
    const { id } = await startAsync({ ms: 30_000 });
    await eventReader(await fetch(url(`/runs/${id}/events`))).until("started", 3);
    while (waiting() - waitingBefore < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const del = await fetch(url(`/runs/${id}`), { method: "DELETE" });
    expect(del.status).toBe(202);
    const cancelled = await waitFor(id, "cancelled");
    expect(cancelled.error!.message).toBe(`cancelled by DELETE /runs/${id}`);
    expect(aborts() - before).toBe(3);
  });

  it("a synchronous request of a cancelled run answers 409", async () => {
    const sync = fetch(url("/fan"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: 30_000 }) });
    let id: string | undefined;
    while (!id) {
      const runs = (await (await fetch(url("/runs"))).json()) as { runs: RunView[] };
      id = runs.runs.find((run) => run.status === "running")?.id;
    }
    await eventReader(await fetch(url(`/runs/${id}/events`))).until("started", 3);
    await fetch(url(`/runs/${id}`), { method: "DELETE" });
    const res = await sync;
    expect(res.status).toBe(409);
    expect(res.headers.get("x-run-id")).toBe(id);
  });

  it("GET /runs lists recent runs newest first without results, bounded by count (oldest evicted)", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = await startAsync({ ms: 1 });
      await waitFor(id, "succeeded");
      ids.push(id);
    }
    const { runs } = (await (await fetch(url("/runs"))).json()) as { runs: RunView[] };
    expect(runs.map((run) => run.id)).toEqual(ids.slice(1).reverse());
    expect(runs.every((run) => run.result === undefined)).toBe(true);
    const evicted = await fetch(url(`/runs/${ids[0]}`));
    expect(evicted.status).toBe(404);
    expect(((await evicted.json()) as { error: string }).error).toContain("no run");
  });

  it("404s an unknown run, 405s a wrong method on /runs", async () => {
    expect((await fetch(url("/runs/none"))).status).toBe(404);
    expect((await fetch(url("/runs"), { method: "POST" })).status).toBe(405);
  });
});

describe("GET /runs/<id>/events", () => {
  it("replays from the first event then live, ids 1,2,3..., the executor's types with the step name, then ends", async () => {
    const { id } = await startAsync({ ms: 150 });
    const res = await fetch(url(`/runs/${id}/events`));
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const { events, comments } = await readEvents(res);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.event === "started")).toHaveLength(3);
    expect(events.filter((e) => e.event === "succeeded")).toHaveLength(3);
    const finished = events.find((e) => e.event === "finished")!;
    expect(finished.data).toMatchObject({ step: "fan", type: "finished", outcome: "succeeded" });
    expect(events.find((e) => e.event === "started")!.data).toMatchObject({ step: "fan", type: "started", attempt: 1 });
    expect(events.at(-1)).toMatchObject({ event: "end", data: { id, status: "succeeded" } });
    expect(comments).toBeGreaterThan(0); // heartbeats every 30 ms during a 150 ms run
  });

  it("Last-Event-ID resumes after that id, and a finished run's stream replays and ends at once", async () => {
    const { id } = await startAsync({ ms: 1 });
    await waitFor(id, "succeeded");
    const all = (await readEvents(await fetch(url(`/runs/${id}/events`)))).events;
    const resumed = (await readEvents(await fetch(url(`/runs/${id}/events`), { headers: { "last-event-id": "3" } }))).events;
    expect(resumed).toEqual(all.slice(3));
    expect(resumed[0]!.id).toBe(4);
  });

  it("?types= sends only the events named, with their ids, and always the end event; an unknown name is a 400 naming it", async () => {
    const { id } = await startAsync({ ms: 1 });
    await waitFor(id, "succeeded");
    const all = (await readEvents(await fetch(url(`/runs/${id}/events`)))).events;
    const limited = (await readEvents(await fetch(url(`/runs/${id}/events?types=finished`)))).events;
    expect(limited.map((e) => e.event)).toEqual(["finished", "end"]);
    expect(limited).toEqual(all.filter((e) => e.event === "finished" || e.event === "end"));
    const children = (await readEvents(await fetch(url(`/runs/${id}/events?types=started,%20succeeded`)))).events;
    expect(children.map((e) => e.event)).toEqual([...all.filter((e) => e.event === "started" || e.event === "succeeded").map((e) => e.event), "end"]);
    for (const types of ["finished,nope", ""]) {
      const res = await fetch(url(`/runs/${id}/events?types=${types}`));
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: string };
      expect(error).toContain('"types"');
      if (types) expect(error).toContain('"nope"');
    }
  });
});

describe("shutdown", () => {
  it("cancels running runs, ends their streams with the final event, and refuses new connections", async () => {
    const own = await startServer({ workflowsDir: `${fixtures}workflows`, nodesDir: `${fixtures}nodes`, port: 0 });
    const res = await fetch(`${own.url}/fan`, { method: "POST", headers: { "content-type": "application/json", prefer: "respond-async" }, body: JSON.stringify({ ms: 30_000 }) });
    const id = res.headers.get("x-run-id")!;
    const stream = await fetch(`${own.url}/runs/${id}/events`);
    const reading = readEvents(stream);
    await own.close();
    const { events } = await reading;
    expect(events.at(-1)).toMatchObject({ event: "end", data: { id, status: "cancelled", error: "cancelled: the server is shutting down" } });
    await expect(fetch(`${own.url}/health-check`)).rejects.toThrow();
  });
});
