import type { Context } from "../blok/index.js";
import { REMOTE_REQUEST_FIELDS, type RemoteContext } from "../ports/index.js";
import type { CowSpace } from "./isolation/copyOnWrite.js";

/** The JSON-safe subset of a child's context for a remote worker (see {@link RemoteContext}). */
export function remoteContext(ctx: Context, space: CowSpace): RemoteContext {
  const request: Record<string, unknown> = {};
  const source = (ctx.request ?? {}) as Record<string, unknown>;
  for (const field of REMOTE_REQUEST_FIELDS) if (source[field] !== undefined) request[field] = space.materialize(source[field]);
  return {
    id: ctx.id,
    ...(ctx.workflow_name === undefined ? {} : { workflow_name: ctx.workflow_name }),
    ...(ctx.workflow_path === undefined ? {} : { workflow_path: ctx.workflow_path }),
    request,
    response: { data: space.materialize(ctx.response?.data), ...(ctx.response?.contentType ? { contentType: ctx.response.contentType } : {}) },
    ...(ctx.vars === undefined ? {} : { vars: space.materialize(ctx.vars) }),
    ...("item" in ctx ? { item: space.materialize(ctx.item) } : {}),
    ...(ctx.index === undefined ? {} : { index: ctx.index }),
  };
}
