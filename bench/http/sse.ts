/**
 * The event-stream measures: a map run of 1,000 children started with `Prefer: respond-async`,
 * followed live by N subscribers of `GET /runs/<id>/events` (each on its own connection, read to
 * the end), and the bytes a finished run's record holds per child.
 */
import { type IncomingMessage, request } from "node:http";

/** The run the subscribers follow: 1,000 children of 10 ms, 20 at a time (the container allows at most 20) (so it lasts long enough to subscribe to live). */
export const FAN = { children: 1000, childMs: 10, maxConcurrent: 20 } as const;

function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; text: string }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { ...headers, ...(text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ res, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(text);
  });
}

/** Reads a run's whole event stream; the bytes and the number of `event:` lines. */
export async function readEvents(base: string, id: string): Promise<{ bytes: number; events: number }> {
  const { res, text } = await call("GET", `${base}/runs/${id}/events`);
  if (res.statusCode !== 200) throw new Error(`events of ${id}: ${res.statusCode}`);
  return { bytes: Buffer.byteLength(text), events: (text.match(/^event: /gm) ?? []).length };
}

/** One run of the fan workflow with `subscribers` live subscribers; its wall time as the server recorded it. */
export async function fanRun(base: string, subscribers: number): Promise<{ wallMs: number; id: string; eventsPerSubscriber: number }> {
  const body = { items: Array.from({ length: FAN.children }, (_, i) => i), ms: FAN.childMs };
  const started = await call("POST", `${base}/fan`, body, { prefer: "respond-async" });
  if (started.res.statusCode !== 202) throw new Error(`POST /fan answered ${started.res.statusCode}: ${started.text}`);
  const id = (JSON.parse(started.text) as { id: string }).id;
  const streams = await Promise.all(Array.from({ length: subscribers }, () => readEvents(base, id)));
  let view: { status: string; started_at: string; finished_at?: string };
  for (;;) {
    view = JSON.parse((await call("GET", `${base}/runs/${id}`)).text) as typeof view;
    if (view.status !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (view.status !== "succeeded") throw new Error(`run ${id} ended ${view.status}`);
  const counts = new Set(streams.map((stream) => stream.events));
  if (counts.size > 1) throw new Error(`subscribers saw different event counts: ${[...counts].join(", ")}`);
  return { wallMs: Date.parse(view.finished_at!) - Date.parse(view.started_at), id, eventsPerSubscriber: streams[0]?.events ?? 0 };
}

/** What a finished run keeps: its `GET /runs/<id>` record and its event log (as replayed), in bytes. */
export async function recordBytes(base: string, id: string): Promise<{ record: number; events: number; eventCount: number }> {
  const { text } = await call("GET", `${base}/runs/${id}`);
  const stream = await readEvents(base, id);
  return { record: Buffer.byteLength(text), events: stream.bytes, eventCount: stream.events };
}
