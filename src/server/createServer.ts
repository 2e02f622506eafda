import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAccessTokens } from "./accessTokens.js";
import { HttpError, sendError, sendJson, toJson } from "./httpResponses.js";
import { readRequestBody, searchParamsObject } from "./readRequestBody.js";
import { RunCancelledError, type Run } from "./run.js";
import { RunStore, type RunStoreLimits } from "./runStore.js";
import { type SseOptions, type SseStream, streamRunEvents } from "./sseStream.js";
import { ServerMetrics } from "./serverMetrics.js";
import { type RunSetup, startRun } from "./startRun.js";
import { loadWorkflowRoutes, safeDecode, type WorkflowRoute } from "./workflowRoutes.js";

/** Options of {@link startServer}. */
export interface ServerOptions extends RunSetup {
  /** Folder of workflow files, each served at `/<file name>`. */
  readonly workflowsDir: string;
  /** Interface to bind; 127.0.0.1 by default (a server reachable from elsewhere is a choice). */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 4000. */
  readonly port?: number;
  /** When set, every route but `/health-check` needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Largest request body, bytes. Default 100 MB. */
  readonly bodyLimitBytes?: number;
  /** Origin allowed by CORS (`*` for any); CORS headers are sent only when set. */
  readonly cors?: string;
  /** Finished runs kept in memory (default 1,000 runs, 256 MB), and the events each keeps (default 64 MB). */
  readonly runs?: Partial<RunStoreLimits & { readonly maxEventBytesPerRun: number }>;
  /** Lifetime of the access tokens of `POST /runs/<id>/access-token`, ms. Default 5 minutes. */
  readonly accessTokenTtlMs?: number;
  /** Event streams' heartbeat and slow-client bound. Default 15 s, 8 MB. */
  readonly sse?: Partial<SseOptions>;
}

/** A running server. */
export interface BlokServer {
  /** `http://<host>:<port>`, the port the system picked when asked for 0. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The workflows served, by URL segment. */
  readonly workflows: ReadonlyMap<string, WorkflowRoute>;
  /**
   * Shuts down: takes no new connection, cancels every running run (its children's signals
   * abort), waits for them to end, ends every event stream (after the run's `end` event, or
   * with a `shutdown` event), closes the listener. Idempotent. The caller closes the runtimes.
   */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_BODY_LIMIT_MB = 100;

/**
 * Serves a folder of workflows over HTTP as Blok's trigger does (`/<workflow>` honouring each
 * workflow's `trigger.http`), plus the run routes (`/runs`, `/runs/<id>`, `/runs/<id>/events`),
 * Prometheus `/metrics` and `/health-check`. Built on `node:http`: see docs/http.md for the contract.
 *
 * @throws when a workflow file fails to load, or the port cannot be bound.
 */
export async function startServer(options: ServerOptions): Promise<BlokServer> {
  const workflows = await loadWorkflowRoutes(options.workflowsDir);
  const limits = {
    maxRuns: options.runs?.maxRuns ?? 1000,
    maxBytes: options.runs?.maxBytes ?? 256 * 1024 * 1024,
    maxEventBytesPerRun: options.runs?.maxEventBytesPerRun ?? 64 * 1024 * 1024,
  };
  const store = new RunStore(limits);
  const sse: SseOptions = { heartbeatMs: options.sse?.heartbeatMs ?? 15_000, maxLagBytes: options.sse?.maxLagBytes ?? 8 * 1024 * 1024 };
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_MB * 1024 * 1024;
  const metrics = new ServerMetrics();
  const accessTokens = createAccessTokens(options.accessTokenTtlMs ?? 5 * 60_000);
  const streams = new Set<SseStream>();
  const pending = new Set<Promise<void>>();
  let closing = false;

  const corsHeaders = (): Record<string, string> =>
    options.cors
      ? {
          "access-control-allow-origin": options.cors,
          "access-control-allow-headers": "authorization, content-type, prefer, last-event-id",
          "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
          "access-control-expose-headers": "x-run-id, location",
        }
      : {};

  const launch = (id: string, route: WorkflowRoute, request: Parameters<typeof startRun>[2]): { run: Run; done: Promise<void> } => {
    const started = startRun(id, route, request, { ...options, maxEventBytesPerRun: limits.maxEventBytesPerRun }, (run, step, event) => metrics.onEvent(run, step, event));
    store.add(started.run);
    const done = started.done.then(() => {
      store.finished(started.run);
      metrics.onRunEnded(started.run);
    });
    pending.add(done);
    void done.finally(() => pending.delete(done));
    return { run: started.run, done };
  };

  const serveWorkflow = async (req: IncomingMessage, res: ServerResponse, url: URL, segment: string, rest: string): Promise<void> => {
    // The id is the request's from the start, so a refused request (404, 405, 400, 413) has one to quote too.
    const id = randomUUID();
    res.setHeader("x-run-id", id);
    const route = workflows.get(segment);
    if (!route) throw new HttpError(404, `no workflow "${segment}" (served: ${[...workflows.keys()].map((name) => `/${name}`).join(", ") || "none"})`);
    if (!route.http) throw new HttpError(404, `workflow "${segment}" has no trigger.http, so it is not served over HTTP`);
    const method = req.method ?? "GET";
    if (route.http.method !== "*" && route.http.method !== method) {
      res.setHeader("allow", route.http.method);
      throw new HttpError(405, `workflow "${segment}" answers ${route.http.method}, not ${method}`);
    }
    const pathParams = route.http.match(rest);
    if (!pathParams) throw new HttpError(404, `workflow "${segment}" serves the path ${route.http.path}; "${rest}" does not match it`);
    const body = await readRequestBody(req, bodyLimit);
    if (closing) throw new HttpError(503, "the server is shutting down");
    // The server's own bearer token is its credential, not the workflow's data: it never reaches ctx.
    const { authorization: _credential, ...headers } = req.headers;
    const { run, done } = launch(id, route, { method, body, headers: options.token !== undefined ? headers : { ...req.headers }, query: searchParamsObject(url.searchParams), params: { workflow: segment, ...pathParams } });
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
  };

  const serveRuns = (req: IncomingMessage, res: ServerResponse, parts: string[]): void => {
    const method = req.method ?? "GET";
    if (parts.length === 1) {
      if (method !== "GET") throw new HttpError(405, `/runs answers GET, not ${method}`);
      return sendJson(res, 200, { runs: store.list().map((run) => summary(run)) });
    }
    const run = store.get(parts[1]!);
    if (!run) throw new HttpError(404, `no run "${parts[1]}" (finished runs are kept in memory, the oldest evicted first)`);
    res.setHeader("x-run-id", run.id);
    if (parts.length === 2 && method === "GET") return sendJson(res, 200, run.view());
    if (parts.length === 2 && method === "DELETE") {
      if (run.status === "running") run.controller.abort(new RunCancelledError(`cancelled by DELETE /runs/${run.id}`, 409));
      return sendJson(res, 202, run.view());
    }
    if (parts.length === 3 && parts[2] === "access-token" && method === "POST") {
      const { token, expiresAt } = accessTokens.issue(run.id);
      return sendJson(res, 200, { access_token: token, expires_at: new Date(expiresAt).toISOString(), events_url: `/runs/${run.id}/events?access_token=${encodeURIComponent(token)}` });
    }
    if (parts.length === 3 && parts[2] === "events" && method === "GET") {
      const lastEventId = Number(req.headers["last-event-id"] ?? 0);
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
      res.flushHeaders();
      const stream = streamRunEvents(res, run.events, Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0, sse);
      streams.add(stream);
      void stream.closed.then(() => streams.delete(stream));
      return;
    }
    throw new HttpError(parts.length <= 3 ? 405 : 404, `no route ${method} /${parts.join("/")}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(corsHeaders())) res.setHeader(name, value);
    if (options.cors && req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.split("/").filter((part) => part !== "").map(safeDecode);
    if (parts[0] === "health-check" && parts.length === 1) return sendJson(res, closing ? 503 : 200, { status: closing ? "shutting down" : "ok" });
    // A run's event stream may instead carry that run's short-lived access token in its URL.
    const streamToken = parts.length === 3 && parts[0] === "runs" && parts[2] === "events" && req.method === "GET" ? url.searchParams.get("access_token") : null;
    const streamAllowed = streamToken !== null && accessTokens.verify(streamToken, parts[1]!);
    if (options.token !== undefined && !streamAllowed && !authorized(req, options.token)) {
      res.setHeader("www-authenticate", "Bearer");
      throw new HttpError(401, "missing or wrong bearer token (Authorization: Bearer <token>)");
    }
    if (parts[0] === "runs") return serveRuns(req, res, parts);
    if (parts[0] === "metrics" && parts.length === 1) {
      if (req.method !== "GET") throw new HttpError(405, `/metrics answers GET, not ${req.method}`);
      const { text, contentType } = await metrics.exposition();
      res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (parts.length === 0) throw new HttpError(404, `no workflow named in the path (served: ${[...workflows.keys()].map((name) => `/${name}`).join(", ") || "none"})`);
    const rest = url.pathname.slice(url.pathname.indexOf("/", 1) === -1 ? url.pathname.length : url.pathname.indexOf("/", 1)) || "/";
    return serveWorkflow(req, res, url, parts[0]!, rest);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpError) return sendError(res, error.status, error.message);
      sendError(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing = true;
    const listening = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const run of store.running()) run.controller.abort(new RunCancelledError("cancelled: the server is shutting down", 503));
    await Promise.allSettled([...pending]);
    for (const stream of streams) stream.close("shutdown", { reason: "the server is shutting down" });
    server.closeIdleConnections();
    await Promise.race([listening, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    server.closeAllConnections();
    await listening;
  };
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    workflows,
    close: () => (closed ??= close()),
  };
}

function summary(run: Run): Omit<ReturnType<Run["view"]>, "result"> {
  const { result: _result, ...rest } = run.view();
  return rest;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match !== null && timingSafeEqualText(match[1]!.trim(), token);
}

function timingSafeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < right.length; i++) diff |= (left[i] ?? 0) ^ right[i]!;
  return diff === 0;
}

function sendData(res: ServerResponse, data: unknown, contentType: string): void {
  const raw = typeof data === "string" || Buffer.isBuffer(data) || data instanceof Uint8Array;
  const body = raw ? data : toJson(data);
  const type = contentType === "application/json" && !raw ? "application/json; charset=utf-8" : contentType;
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body as string | Uint8Array) });
  res.end(body);
}
