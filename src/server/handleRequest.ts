import type { IncomingMessage, ServerResponse } from "node:http";
import { requestAllowed } from "./authorization.js";
import { HttpError, sendJson } from "./httpResponses.js";
import { serveRuns } from "./runRoutes.js";
import type { ServerState } from "./serverState.js";
import { servedList, serveWorkflow } from "./workflowRequest.js";
import { safeDecode } from "./workflowRoutes.js";

/** The CORS headers of every response when `--cors` is set; none otherwise. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-headers": "authorization, content-type, prefer, last-event-id",
    "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "access-control-expose-headers": "x-run-id, location",
  };
}

/**
 * Routes one request: CORS preflight, `/health-check` (no token), the token check, then
 * `/runs...`, `/metrics` or a workflow. A refusal throws an {@link HttpError}.
 */
export async function handleRequest(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { options } = state;
  for (const [name, value] of Object.entries(corsHeaders(options.cors))) res.setHeader(name, value);
  if (options.cors && req.method === "OPTIONS") {
    res.writeHead(204).end();
    return;
  }
  const url = new URL(req.url ?? "/", "http://localhost");
  const parts = url.pathname.split("/").filter((part) => part !== "").map(safeDecode);
  if (parts[0] === "health-check" && parts.length === 1) return sendJson(res, state.closing ? 503 : 200, { status: state.closing ? "shutting down" : "ok" });
  if (options.token !== undefined && !requestAllowed(req, url, parts, options.token, state.accessTokens)) {
    res.setHeader("www-authenticate", "Bearer");
    throw new HttpError(401, "missing or wrong bearer token (Authorization: Bearer <token>)");
  }
  if (parts[0] === "runs") return serveRuns(state, req, res, parts);
  if (parts[0] === "metrics" && parts.length === 1) {
    if (req.method !== "GET") throw new HttpError(405, `/metrics answers GET, not ${req.method}`);
    const { text, contentType } = await state.metrics.exposition();
    res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  if (parts.length === 0) throw new HttpError(404, `no workflow named in the path (served: ${servedList(state)})`);
  const slash = url.pathname.indexOf("/", 1);
  const rest = url.pathname.slice(slash === -1 ? url.pathname.length : slash) || "/";
  return serveWorkflow(state, req, res, url, parts[0]!, rest);
}
