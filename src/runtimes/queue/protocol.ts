import { z } from "zod";
import { QUEUE_DEFAULTS, type RemoteChildJob, type RemoteContext, type TraceCarrier, traceCarrier } from "../../ports/index.js";
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
export const DEFAULT_QUEUE_NAME = QUEUE_DEFAULTS.name;
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

const CTX_RULE = "ctx must be an object with id, request and response";

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

const received = (value: unknown) => `(received ${JSON.stringify(value)})`;
/** An object (not an array, not null) whose other fields pass as they are. */
const record = (rule: string) => z.looseObject({}, { error: rule });

/**
 * The checks of a job's data. Each rule is the whole refusal text, field name included: the
 * first one broken (in field order, the protocol version first) is what the worker reports.
 * Fields not listed (inputs, the rest of ctx) are data for the node and pass as they are.
 */
const jobDataSchema = z.looseObject(
  {
    v: z.literal(PROTOCOL_VERSION, {
      error: (issue) => `protocol version ${JSON.stringify(issue.input)} is not ${PROTOCOL_VERSION} (producer and worker run different versions of @blok-ts/parallel-execution)`,
    }),
    step: z.looseObject(
      {
        name: z.string({ error: "step.name must be a non-empty string" }).min(1, { error: "step.name must be a non-empty string" }),
        type: z.enum(CHILD_TYPES, { error: (issue) => `step.type must be one of ${CHILD_TYPES.join(", ")} ${received(issue.input)}` }),
        node: z
          .string({ error: (issue) => `step.node must be a plain node name without path traversal ${received(issue.input)}` })
          .refine(isPlainNodeName, { error: (issue) => `step.node must be a plain node name without path traversal ${received(issue.input)}` }),
        isolation: z.enum(["inline", "worker"], { error: (issue) => `step.isolation must be "inline" or "worker" ${received(issue.input)}` }),
      },
      { error: "step is not an object" },
    ),
    container: z.string({ error: "container must be a string" }),
    attempt: z.number({ error: "attempt must be a whole number of at least 1" }).int({ error: "attempt must be a whole number of at least 1" }).min(1, { error: "attempt must be a whole number of at least 1" }),
    max_result_bytes: z
      .number({ error: "max_result_bytes must be a whole number of at least 1" })
      .int({ error: "max_result_bytes must be a whole number of at least 1" })
      .min(1, { error: "max_result_bytes must be a whole number of at least 1" }),
    ctx: z.looseObject(
      {
        id: z.string({ error: CTX_RULE }),
        request: record(CTX_RULE),
        response: record(CTX_RULE),
        index: z.number({ error: "ctx.index must be a whole number" }).int({ error: "ctx.index must be a whole number" }).optional(),
      },
      { error: CTX_RULE },
    ),
    shared: z
      .strictObject(
        {
          vars: z.string().regex(SHARED_CONTEXT_ID).optional(),
          response_data: z.string().regex(SHARED_CONTEXT_ID).optional(),
        },
        { error: (issue) => (issue.code === "unrecognized_keys" ? `shared.${issue.keys[0]} is not a shared context part` : "shared must be an object") },
      )
      .optional(),
    trace: z
      .record(z.string(), z.unknown(), { error: "trace must be an object" })
      .refine((trace) => Object.entries(trace).every(([field, value]) => TRACE_FIELDS.has(field) && typeof value === "string" && value.length <= TRACE_VALUE_MAX), {
        error: (issue) => {
          const bad = Object.entries(issue.input as Record<string, unknown>).find(([field, value]) => !TRACE_FIELDS.has(field) || typeof value !== "string" || value.length > TRACE_VALUE_MAX);
          return `trace.${bad?.[0]} is not a W3C trace context field of at most ${TRACE_VALUE_MAX} characters`;
        },
      })
      .optional(),
  },
  { error: "its data is not an object" },
);

/** The shared-id rules name the field they are in: set after the fact, as zod's message function does not see the path. */
function refusal(issue: z.core.$ZodIssue): string {
  const [first, field] = issue.path;
  if (first === "shared" && typeof field === "string" && issue.code !== "unrecognized_keys") {
    return `shared.${field} must be a shared context id ${received((issue as { input?: unknown }).input)}`;
  }
  return issue.message;
}

/**
 * Checks a job's data before anything runs: protocol version, a known step type, a plain node
 * name, a JSON context. A worker runs only nodes found in its own directories and registry; this
 * check makes sure the payload cannot even point outside them.
 *
 * @returns the data itself (only checked: zod's copy of a large `inputs` or `ctx` would be waste).
 * @throws {@link InvalidQueueJobError} naming the offending field.
 */
export function readJobData(data: unknown): QueueJobData {
  const parsed = jobDataSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new InvalidQueueJobError(`Refused queue job: ${refusal(parsed.error.issues[0]!)}`);
  return data as QueueJobData;
}

const NO_ENVELOPE = `the worker returned no protocol-${PROTOCOL_VERSION} result envelope (producer and worker run different versions?)`;

/** A job's return value (the producer reads `timing`, `data` and `stored` as the same version of this code wrote them). */
const jobResultSchema = z.looseObject(
  {
    v: z.literal(PROTOCOL_VERSION, { error: NO_ENVELOPE }),
    bytes: z.number({ error: (issue) => `the worker's result envelope has no byte count: bytes must be a number ${received(issue.input)}` }),
    work_ms: z.number({ error: (issue) => `the worker's result envelope has no run time: work_ms must be a number ${received(issue.input)}` }),
  },
  { error: NO_ENVELOPE },
);

/**
 * Reads a job's return value.
 *
 * @returns the value itself.
 * @throws {@link InvalidQueueJobError} when it is not a protocol envelope, naming the field.
 */
export function readJobResult(value: unknown): QueueJobResult {
  const parsed = jobResultSchema.safeParse(value);
  if (!parsed.success) throw new InvalidQueueJobError(parsed.error.issues[0]!.message);
  return value as QueueJobResult;
}
