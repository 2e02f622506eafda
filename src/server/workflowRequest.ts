import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, sendJson, toJson } from "./httpResponses.js";
import { readRequestBody, searchParamsObject } from "./readRequestBody.js";
import { RunCancelledError } from "./run.js";
import type { ServerState } from "./serverState.js";

/** `served: /a, /b`, for the 404s that name no served workflow. */
export function servedList(state: ServerState): string {
  return [...state.workflows.keys()].map((name) => `/${name}`).join(", ") || "none";
}

/**
 * Runs the workflow named by the first path segment, as Blok's trigger does: checks its
 * `trigger.http` method and path, reads the body, starts the run, and answers with the result
 * (or 202 at once with `Prefer: respond-async`).
 *
 * @param rest - the path after the workflow segment (`/` when none).
 */
export async function serveWorkflow(state: ServerState, req: IncomingMessage, res: ServerResponse, url: URL, segment: string, rest: string): Promise<void> {
  // The id is the request's from the start, so a refused request (404, 405, 400, 413) has one to quote too.
  const id = randomUUID();
  res.setHeader("x-run-id", id);
  const route = state.workflows.get(segment);
  if (!route) throw new HttpError(404, `no workflow "${segment}" (served: ${servedList(state)})`);
  if (!route.http) throw new HttpError(404, `workflow "${segment}" has no trigger.http, so it is not served over HTTP`);
  const method = req.method ?? "GET";
  if (route.http.method !== "*" && route.http.method !== method) {
    res.setHeader("allow", route.http.method);
    throw new HttpError(405, `workflow "${segment}" answers ${route.http.method}, not ${method}`);
  }
  const pathParams = route.http.match(rest);
  if (!pathParams) throw new HttpError(404, `workflow "${segment}" serves the path ${route.http.path}; "${rest}" does not match it`);
  const body = await readRequestBody(req, state.bodyLimitBytes);
  if (state.closing) throw new HttpError(503, "the server is shutting down");
  // The server's own bearer token is its credential, not the workflow's data: it never reaches ctx.
  const { authorization: _credential, ...headers } = req.headers;
  const { run, done } = state.launch(id, route, {
    method,
    body,
    headers: state.options.token !== undefined ? headers : { ...req.headers },
    query: searchParamsObject(url.searchParams),
    params: { workflow: segment, ...pathParams },
  });
  if (/\brespond-async\b/i.test(String(req.headers.prefer ?? ""))) {
    sendJson(res, 202, run.view(), { location: `/runs/${run.id}`, "preference-applied": "respond-async" });
    return;
  }
  // A client that hangs up on a synchronous run cancels it: nobody is left to answer.
  const onClose = () => {
    if (!res.writableEnded) run.controller.abort(new RunCancelledError("the client closed the connection", 409));
  };
  res.once("close", onClose);
  await done;
  res.off("close", onClose);
  if (res.destroyed) return;
  if (run.status === "succeeded") return sendData(res, run.result, run.contentType);
  const error = run.error!;
  sendJson(res, error.code, error.json ?? { error: error.message });
}

/** A succeeded run's answer: a string or bytes as they are, anything else as JSON. */
function sendData(res: ServerResponse, data: unknown, contentType: string): void {
  const raw = typeof data === "string" || Buffer.isBuffer(data) || data instanceof Uint8Array;
  const body = raw ? data : toJson(data);
  const type = contentType === "application/json" && !raw ? "application/json; charset=utf-8" : contentType;
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body as string | Uint8Array) });
  res.end(body);
}
