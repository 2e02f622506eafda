import type { Context } from "../../blok/index.js";
import { CowSpace } from "./copyOnWrite.js";

/** What makes one child's context its own. */
export interface ChildContextOptions {
  /** The child's step name; its config entry is guaranteed to exist (`{}` when the workflow has none). */
  readonly stepName: string;
  /** Aborts when the child is timed out or cancelled. */
  readonly signal: AbortSignal;
  /** Map mode: the item or batch (the child's own copy: it is not wrapped), and its position. */
  readonly item?: unknown;
  readonly index?: number;
}

// Shared by reference: services, not data. `env` is process.env and read-only in Blok.
const SHARED = new Set<PropertyKey>(["logger", "eventLogger", "env", "signal", "item", "index"]);
const REQUEST_FIELDS = ["body", "headers", "params", "query", "method", "url", "path", "baseUrl", "cookies"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A live request (Express's IncomingMessage) is a class instance a view cannot wrap; children get
 * a plain object with the fields Blok nodes read, each behind a view.
 */
function isolateRequest(request: unknown, space: CowSpace): unknown {
  if (request === undefined || request === null || isPlainObject(request)) return space.view(request);
  const source = request as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) if (field in source) copy[field] = source[field];
  return space.view(copy);
}

/**
 * After any step without `set_var`, `ctx.response` is that step's NodeBlokResponse: a class
 * instance, which a view shares instead of wrapping, so a child writing `ctx.response.data.x`
 * (or `ctx.response.extra`) wrote the parent's and its siblings' response. Children get a plain
 * object with the response's own fields, behind a view.
 */
function isolateResponse(response: unknown, space: CowSpace): unknown {
  if (response === undefined || response === null || isPlainObject(response)) return space.view(response);
  return space.view({ ...(response as Record<string, unknown>) });
}

/**
 * The node-config map as a plain object holding one view per entry. The runner spreads
 * `ctx.config` for every step; spreading a view costs two traps and a view per entry, which was
 * half of a child's runner time in a workflow with many nodes.
 */
function isolateConfig(config: unknown, space: CowSpace): unknown {
  if (!isPlainObject(config)) return space.view(config);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    // An assignment to "__proto__" would set the copy's prototype: a node named so lost its config.
    if (key === "__proto__") Object.defineProperty(copy, key, { value: space.view(config[key]), writable: true, enumerable: true, configurable: true });
    else copy[key] = space.view(config[key]);
  }
  return copy;
}

// Marks a child's context with its space (non-enumerable: never serialised), so a container
// running as that child finds the space to nest its children's spaces in at once.
const CONTEXT_SPACE = Symbol("copy-on-write space of a child context");
const DATA_FIELDS = ["vars", "request", "response", "config", "error", "func"] as const;

/**
 * The space of the child whose context `parent` is, when the container runs as a child of
 * another container: the mark isolateContext leaves on every child context, else (a node that
 * built a new context from its own, e.g. `{ ...ctx }`) the deepest space whose views the data
 * fields hold. A top-level context has neither: reading a few fields tells, no deep scan.
 */
function enclosingSpace(parent: Context): CowSpace | undefined {
  const fields = parent as unknown as Record<PropertyKey, unknown>;
  const marked = fields[CONTEXT_SPACE];
  if (marked instanceof CowSpace) return marked;
  let found: CowSpace | undefined;
  for (const key of DATA_FIELDS) {
    const space = CowSpace.spaceOf(fields[key]);
    if (space && (!found || space.depth > found.depth)) found = space;
  }
  return found;
}

/**
 * Builds a child's context from its parent's: every data field (`request`, `response`, `vars`,
 * `config`, `error`, `func`, and whatever else a host put there) is a copy-on-write view in the
 * child's own {@link CowSpace}, so nothing the child writes, at any depth, reaches the parent or a
 * sibling, and nothing is copied until the child writes it. Services (`logger`, `env`) are
 * shared. When `parent` is itself a container child's context (nested containers), `space` is
 * nested in that child's space, so the views do not stack: a read costs the same at any depth. `signal`, `item` and `index` are this child's. Property attributes are kept (Blok
 * defines `env` read-only).
 *
 * @param parent - the container's context, as it was when the container started.
 * @param space - the child's private space.
 * @param options - the child's name, signal and map-mode item.
 * @returns the child's context.
 */
export function isolateContext(parent: Context, space: CowSpace, options: ChildContextOptions): Context {
  const outer = enclosingSpace(parent);
  if (outer) space.nestIn(outer);
  const child = {} as Context;
  for (const key of Reflect.ownKeys(parent)) {
    if (key === "signal" || key === "item" || key === "index" || key === CONTEXT_SPACE) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(parent, key)!;
    if ("value" in descriptor && !SHARED.has(key)) {
      descriptor.value =
        key === "request"
          ? isolateRequest(descriptor.value, space)
          : key === "response"
            ? isolateResponse(descriptor.value, space)
            : key === "config"
              ? isolateConfig(descriptor.value, space)
              : space.view(descriptor.value);
    }
    Reflect.defineProperty(child, key, descriptor);
  }
  child.config ??= {};
  // Blok fails with a TypeError on a step without config; a child without one simply has no inputs.
  child.config[options.stepName] ??= {};
  Object.defineProperty(child, CONTEXT_SPACE, { value: space, enumerable: false, configurable: true, writable: false });
  child.signal = options.signal;
  // The item is the child's own copy already (see planChildren): no view needed.
  if ("item" in options) child.item = options.item;
  if (options.index !== undefined) child.index = options.index;
  return child;
}
