import { type RemoteChildJob, type RemoteContext, type TraceCarrier, traceCarrier } from "../../ports/index.js";
import { InvalidQueueJobError } from "./errors.js";

/**
 * The wire protocol between a container (producer) and `blok-parallel worker` processes.
 *
 * One child attempt = one BullMQ job on queue `<name>` whose data is a {@link QueueJobData}: what
 * to run (a node NAME and type, resolved by the worker from its own directories), the mapped
 * inputs and the plain-JSON context. Never code, never paths, never env or config.
 *
 * The job's return value is a {@link QueueJobResult} envelope. Results up to
 * {@link INLINE_RESULT_BYTES} travel in it (and so in BullMQ's events stream, which keeps the
 * last ~10,000 events); larger ones are written by the worker to `<prefix>:<name>:<jobId>:blok-result`
 * (expiring after {@link RESULT_TTL_SECONDS}) and taken (GETDEL) by the producer.
 *
 * Context parts shared by every child of a run and larger than {@link SHARED_CONTEXT_BYTES}
 * (`vars`, `response.data`: typically a dataset a previous step produced) are not copied into
 * every job: the producer stores each distinct one once per run under
 * `<prefix>:<name>:<run>-ctx-<sha1>` and the job names it in `shared`; workers fetch it once
 * (cached) and parse it only if the node reads it. The producer deletes them when the run ends.
 *
 * Cancelling a running job: the producer publishes a {@link CancelMessage} on the pub/sub channel
 * {@link cancelChannel}; the worker running the job aborts it through BullMQ's `Worker.cancelJob`
 * (the processor's AbortSignal, which is the node's `ctx.signal`).
 */
export const PROTOCOL_VERSION = 1 as const;

/** Default queue name (the container config's `execution.queue.name` default). */
export const DEFAULT_QUEUE_NAME = "blok-parallel";
/** BullMQ's key prefix. */
export const DEFAULT_PREFIX = "bull";
/** Results up to this many JSON bytes ride in the job's return value; larger ones in a side key. */
export const INLINE_RESULT_BYTES = 64 * 1024;
/** How long a side-key result waits for its producer before Redis drops it. */
export const RESULT_TTL_SECONDS = 15 * 60;

/** `vars` or `response.data` larger than this (JSON bytes) go to a per-run shared key instead of every job. */
export const SHARED_CONTEXT_BYTES = 64 * 1024;
/** Lifetime of a shared context key; the producer refreshes it while its run goes on, and deletes it at the end. */
export const SHARED_CONTEXT_TTL_SECONDS = 60 * 60;

/** Step types a worker runs. */
export const CHILD_TYPES = ["module", "local", "runtime.python3"] as const;
export type ChildType = (typeof CHILD_TYPES)[number];

/** What a queue job carries. */
export interface QueueJobData {
  readonly v: typeof PROTOCOL_VERSION;
  /** The container step (for messages). */
  readonly container: string;
  readonly step: { readonly name: string; readonly node: string; readonly type: ChildType; readonly isolation: "inline" | "worker" };
  readonly attempt: number;
  /** Already mapped by the container: the worker never maps them again. */
  readonly inputs: unknown;
  readonly ctx: RemoteContext;
  /** Largest result (JSON bytes) the worker may return. */
  readonly max_result_bytes: number;
  /** Context parts left out of `ctx` and stored once per run: the id of each (see {@link sharedContextKey}). */
  readonly shared?: { readonly vars?: string; readonly response_data?: string };
  /** The producer's trace context (W3C `traceparent`, `tracestate`) when it traces: the worker continues the trace. */
  readonly trace?: TraceCarrier;
}

/** A job's return value. `data` is absent when the node returned `undefined` or the result is `stored`. */
export interface QueueJobResult {
  readonly v: typeof PROTOCOL_VERSION;
  /** JSON size of the result. */
  readonly bytes: number;
  /** Time the node ran on the worker (resolution included). */
  readonly work_ms: number;
  /** Timings the node reported itself (thread start-up, Python server time...). */
  readonly timing?: Readonly<Record<string, number>>;
  readonly data?: unknown;
  /** The result is in the side key {@link resultKey} (it was larger than {@link INLINE_RESULT_BYTES}). */
  readonly stored?: true;
}

/** A request to abort a running job, published on {@link cancelChannel}. */
export interface CancelMessage {
  readonly jobId: string;
  readonly reason: string;
}

/** Pub/sub channel of cancellation requests for queue `name` (a channel, not a key: nothing is stored). */
export function cancelChannel(prefix: string, name: string): string {
  return `${prefix}:${name}:blok-cancel`;
}

/**
 * Custom event on the queue's events stream (`<prefix>:<name>:events`, next to BullMQ's own):
 * a worker whose lock on a job was taken away (it was presumed dead) finished the job anyway;
 * BullMQ refuses that completion, so the worker hands the result over this way, as
 * `{ event, jobId, returnvalue }` with `returnvalue` a JSON {@link QueueJobResult} whose data is
 * inline. The producer keeps the first result of each child and counts later ones as duplicates.
 */
export const LATE_RESULT_EVENT = "blok-late-result";

/** BullMQ's events stream of queue `name`. */
export function eventsKey(prefix: string, name: string): string {
  return `${prefix}:${name}:events`;
}

/** Id of a shared context part: `blok-<run>-ctx-<sha1 of its JSON>`. */
export const SHARED_CONTEXT_ID = /^blok-[0-9a-f]{12}-ctx-[0-9a-f]{40}$/;

/** Key of a shared context part (its id comes from the job, and is checked against {@link SHARED_CONTEXT_ID}). */
export function sharedContextKey(prefix: string, name: string, id: string): string {
  return `${prefix}:${name}:${id}`;
}

/** Side key of a large result. */
export function resultKey(prefix: string, name: string, jobId: string): string {
  return `${prefix}:${name}:${jobId}:blok-result`;
}

/** The child's display name, as the core names it: `name`, or `name[index]` for a map item. */
export function childLabel(step: { readonly name: string }, ctx: { readonly index?: number | undefined }): string {
  return ctx.index === undefined ? step.name : `${step.name}[${ctx.index}]`;
}

/**
 * Builds a job's data from the container's child attempt; `shared` names the context parts
 * stored apart (they are then left out of `ctx`).
 */
export function toJobData(job: RemoteChildJob, maxResultBytes: number, shared: { vars?: string; response_data?: string } = {}): QueueJobData {
  const { name, node, type, isolation } = job.step;
  let ctx: RemoteContext = job.ctx;
  if (shared.vars !== undefined) {
    const { vars: _vars, ...rest } = ctx;
    ctx = rest;
  }
  if (shared.response_data !== undefined) ctx = { ...ctx, response: { data: undefined, ...(ctx.response.contentType === undefined ? {} : { contentType: ctx.response.contentType }) } };
  return {
    v: PROTOCOL_VERSION,
    container: job.container,
    step: { name, node, type: type as ChildType, isolation },
    attempt: job.attempt,
    inputs: job.inputs,
    ctx,
    max_result_bytes: maxResultBytes,
    ...(shared.vars !== undefined || shared.response_data !== undefined ? { shared } : {}),
    ...traceField(),
  };
}

/** The `trace` field of a job built in the attempt's (traced) work. */
function traceField(): { trace?: TraceCarrier } {
  const trace = traceCarrier();
  return trace ? { trace } : {};
}

/** W3C trace context header names, and the longest value accepted (the spec's tracestate limit). */
const TRACE_FIELDS = new Set(["traceparent", "tracestate"]);
const TRACE_VALUE_MAX = 512;

const SEGMENT = /^[A-Za-z0-9@_+.-]+$/;

/**
 * Whether `node` is a plain node name: `/`-separated segments of letters, digits and `@ _ + . -`,
 * none of them `.` or `..` (e.g. `sales-chunk`, `group/sum@1.0.0`, `@blok-ts/if-else`). Rules out
 * absolute paths, `..` traversal, backslashes, `file:` or `data:` URLs and control characters.
 */
export function isPlainNodeName(node: string): boolean {
  if (node.length === 0 || node.length > 200) return false;
  return node.split("/").every((segment) => SEGMENT.test(segment) && segment !== "." && segment !== "..");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a job's data before anything runs: protocol version, a known step type, a plain node
 * name, a JSON context. A worker runs only nodes found in its own directories and registry; this
 * check makes sure the payload cannot even point outside them.
 *
 * @throws {@link InvalidQueueJobError} naming the offending field.
 */
export function readJobData(data: unknown): QueueJobData {
  const fail = (rule: string): never => {
    throw new InvalidQueueJobError(`Refused queue job: ${rule}`);
  };
  if (!isObject(data)) return fail("its data is not an object");
  if (data.v !== PROTOCOL_VERSION) return fail(`protocol version ${JSON.stringify(data.v)} is not ${PROTOCOL_VERSION} (producer and worker run different versions of @blok-ts/parallel-execution)`);
  const step = data.step;
  if (!isObject(step)) return fail("step is not an object");
  if (typeof step.name !== "string" || step.name === "") return fail("step.name must be a non-empty string");
  if (typeof step.type !== "string" || !(CHILD_TYPES as readonly string[]).includes(step.type)) {
    return fail(`step.type must be one of ${CHILD_TYPES.join(", ")} (received ${JSON.stringify(step.type)})`);
  }
  if (typeof step.node !== "string" || !isPlainNodeName(step.node)) {
    return fail(`step.node must be a plain node name without path traversal (received ${JSON.stringify(step.node)})`);
  }
  if (step.isolation !== "inline" && step.isolation !== "worker") return fail(`step.isolation must be "inline" or "worker" (received ${JSON.stringify(step.isolation)})`);
  if (typeof data.container !== "string") return fail("container must be a string");
  if (!Number.isInteger(data.attempt) || (data.attempt as number) < 1) return fail("attempt must be a whole number of at least 1");
  if (!Number.isInteger(data.max_result_bytes) || (data.max_result_bytes as number) < 1) return fail("max_result_bytes must be a whole number of at least 1");
  const ctx = data.ctx;
  if (!isObject(ctx) || typeof ctx.id !== "string" || !isObject(ctx.request) || !isObject(ctx.response)) return fail("ctx must be an object with id, request and response");
  if (ctx.index !== undefined && !Number.isInteger(ctx.index)) return fail("ctx.index must be a whole number");
  if (data.shared !== undefined) {
    if (!isObject(data.shared)) return fail("shared must be an object");
    for (const [field, id] of Object.entries(data.shared)) {
      if (field !== "vars" && field !== "response_data") return fail(`shared.${field} is not a shared context part`);
      if (typeof id !== "string" || !SHARED_CONTEXT_ID.test(id)) return fail(`shared.${field} must be a shared context id (received ${JSON.stringify(id)})`);
    }
  }
  if (data.trace !== undefined) {
    if (!isObject(data.trace)) return fail("trace must be an object");
    for (const [field, value] of Object.entries(data.trace)) {
      if (!TRACE_FIELDS.has(field) || typeof value !== "string" || value.length > TRACE_VALUE_MAX) return fail(`trace.${field} is not a W3C trace context field of at most ${TRACE_VALUE_MAX} characters`);
    }
  }
  return data as unknown as QueueJobData;
}

/** Reads a job's return value. @throws `TypeError` when it is not a protocol envelope. */
export function readJobResult(value: unknown): QueueJobResult {
  if (!isObject(value) || value.v !== PROTOCOL_VERSION || typeof value.bytes !== "number" || typeof value.work_ms !== "number") {
    throw new TypeError(`the worker returned no protocol-${PROTOCOL_VERSION} result envelope (producer and worker run different versions?)`);
  }
  return value as unknown as QueueJobResult;
}
