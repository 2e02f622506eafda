import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleRequest } from "./handleRequest.js";
import { HttpError, sendError } from "./httpResponses.js";
import { RunCancelledError } from "./run.js";
import type { RunStoreLimits } from "./runStore.js";
import { createServerState, DEFAULT_BODY_LIMIT_MB, type ServerState } from "./serverState.js";
import type { SseOptions } from "./sseStream.js";
import type { RunSetup } from "./startRun.js";
import { loadWorkflowRoutes, type WorkflowRoute } from "./workflowRoutes.js";

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
export { DEFAULT_BODY_LIMIT_MB };

/**
 * Serves a folder of workflows over HTTP as Blok's trigger does (`/<workflow>` honouring each
 * workflow's `trigger.http`), plus the run routes (`/runs`, `/runs/<id>`, `/runs/<id>/events`,
 * the live page `/runs/<id>/view`), Prometheus `/metrics` and `/health-check`. Built on
 * `node:http`: see docs/http.md for the contract.
 *
 * @throws when a workflow file fails to load, or the port cannot be bound.
 */
export async function startServer(options: ServerOptions): Promise<BlokServer> {
  const workflows = await loadWorkflowRoutes(options.workflowsDir);
  const state = createServerState(options, workflows);
  const server: Server = createServer((req, res) => {
    handleRequest(state, req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpError) return sendError(res, error.status, error.message);
      sendError(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  const host = options.host ?? DEFAULT_HOST;
  const port = await listen(server, options.port ?? DEFAULT_PORT, host);
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    workflows,
    close: () => (closed ??= shutdown(state, server)),
  };
}

/** Binds the server; the port it got (the one the system picked for 0). */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Takes no new connection, cancels every running run and waits for them, ends every event stream
 * (after its run's `end` event, or with a `shutdown` event), then closes the connections: idle
 * ones at once, the rest after a second at most.
 */
async function shutdown(state: ServerState, server: Server): Promise<void> {
  state.closing = true;
  const listening = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const run of state.store.running()) run.controller.abort(new RunCancelledError("cancelled: the server is shutting down", 503));
  await Promise.allSettled([...state.pending]);
  for (const stream of state.streams) stream.close("shutdown", { reason: "the server is shutting down" });
  server.closeIdleConnections();
  await Promise.race([listening, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  server.closeAllConnections();
  await listening;
}
