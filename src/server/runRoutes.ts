import type { IncomingMessage, ServerResponse } from "node:http";
import { parseEventTypes } from "./eventTypes.js";
import { HttpError, sendJson } from "./httpResponses.js";
import { RunCancelledError, type Run, type RunView } from "./run.js";
import type { ServerState } from "./serverState.js";
import { streamRunEvents } from "./sseStream.js";
import { sendRunPage } from "./viewPage.js";

/**
 * The run routes: `GET /runs`, `GET|DELETE /runs/<id>`, `POST /runs/<id>/access-token`,
 * `GET /runs/<id>/events` (Server-Sent Events) and `GET /runs/<id>/view` (the live page).
 *
 * @param parts - the decoded path segments, `runs` first.
 */
export async function serveRuns(state: ServerState, req: IncomingMessage, res: ServerResponse, parts: readonly string[]): Promise<void> {
  const method = req.method ?? "GET";
  if (parts.length === 1) {
    if (method !== "GET") throw new HttpError(405, `/runs answers GET, not ${method}`);
    return sendJson(res, 200, { runs: state.store.list().map((run) => summary(run)) });
  }
  const run = state.store.get(parts[1]!);
  if (!run) throw new HttpError(404, `no run "${parts[1]}" (finished runs are kept in memory, the oldest evicted first)`);
  res.setHeader("x-run-id", run.id);
  if (parts.length === 2 && method === "GET") return sendJson(res, 200, run.view());
  if (parts.length === 2 && method === "DELETE") {
    if (run.status === "running") run.controller.abort(new RunCancelledError(`cancelled by DELETE /runs/${run.id}`, 409));
    return sendJson(res, 202, run.view());
  }
  if (parts.length === 3 && parts[2] === "access-token" && method === "POST") {
    const { token, expiresAt } = state.accessTokens.issue(run.id);
    const query = `?access_token=${encodeURIComponent(token)}`;
    return sendJson(res, 200, { access_token: token, expires_at: new Date(expiresAt).toISOString(), events_url: `/runs/${run.id}/events${query}`, view_url: `/runs/${run.id}/view${query}` });
  }
  if (parts.length === 3 && parts[2] === "events" && method === "GET") return serveEvents(state, req, res, run);
  if (parts.length === 3 && parts[2] === "view" && method === "GET") return sendRunPage(res);
  throw new HttpError(parts.length <= 3 ? 405 : 404, `no route ${method} /${parts.join("/")}`);
}

/** Opens a run's event stream: a replay after `Last-Event-ID` (from the first event without it), then live; `?types=` limits it. */
function serveEvents(state: ServerState, req: IncomingMessage, res: ServerResponse, run: Run): void {
  const lastEventId = Number(req.headers["last-event-id"] ?? 0);
  const types = parseEventTypes(new URL(req.url ?? "/", "http://localhost").searchParams.get("types"));
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  res.flushHeaders();
  const stream = streamRunEvents(res, run.events, Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0, state.sse, types);
  state.streams.add(stream);
  void stream.closed.then(() => state.streams.delete(stream));
}

function summary(run: Run): Omit<RunView, "result"> {
  const { result: _result, ...rest } = run.view();
  return rest;
}
