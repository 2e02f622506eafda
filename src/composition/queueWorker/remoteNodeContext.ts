import { type Context, createContext, type LoggerContext } from "../../blok/index.js";
import type { QueueJobData } from "../../runtimes/queue/protocol.js";
import type { SharedContexts } from "./sharedContexts.js";

/** The node's context, rebuilt from the plain-JSON part the producer sent; `env` is this process's. */
export function remoteNodeContext(data: QueueJobData, signal: AbortSignal, env: NodeJS.ProcessEnv, logger: LoggerContext): Context {
  const remote = data.ctx;
  const request = remote.request as Record<string, unknown>;
  const ctx = createContext({
    config: {},
    id: remote.id,
    env,
    logger,
    signal,
    ...(remote.workflow_name !== undefined ? { workflowName: remote.workflow_name } : {}),
    ...(remote.workflow_path !== undefined ? { workflowPath: remote.workflow_path } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.headers !== undefined ? { headers: request.headers as Record<string, unknown> } : {}),
    ...(request.query !== undefined ? { query: request.query as Record<string, unknown> } : {}),
    ...(request.params !== undefined ? { params: request.params as Record<string, unknown> } : {}),
    ...(typeof request.method === "string" ? { method: request.method } : {}),
  });
  for (const field of ["url", "path", "baseUrl"] as const) if (request[field] !== undefined) ctx.request[field] = request[field];
  ctx.response.data = remote.response.data;
  if (remote.response.contentType !== undefined) ctx.response.contentType = remote.response.contentType;
  if (remote.vars !== undefined) ctx.vars = remote.vars as Record<string, unknown>;
  if ("item" in remote) ctx.item = remote.item;
  if (remote.index !== undefined) ctx.index = remote.index;
  return ctx;
}

/**
 * Puts the job's large shared parts (`vars`, `response.data`) into `ctx`: fetched once per
 * worker, parsed only if the node reads them, and parsed afresh for every job, so no job sees
 * another's writes.
 */
export async function attachSharedContext(ctx: Context, shared: QueueJobData["shared"], contexts: SharedContexts): Promise<void> {
  if (shared?.vars) lazyJson(ctx, "vars", await contexts.get(shared.vars));
  if (shared?.response_data) lazyJson(ctx.response, "data", await contexts.get(shared.response_data));
}

/** Defines `target[key]` as the value of `json`, parsed on first read (a write replaces it). */
function lazyJson(target: object, key: string, json: string): void {
  let parsed = false;
  let value: unknown;
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      if (!parsed) {
        value = JSON.parse(json);
        parsed = true;
      }
      return value;
    },
    set(next: unknown) {
      value = next;
      parsed = true;
    },
  });
}
