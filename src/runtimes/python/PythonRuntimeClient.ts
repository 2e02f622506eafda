import type * as Grpc from "@grpc/grpc-js";
import type { ServiceError, StatusObject } from "@grpc/grpc-js";
import { requirePeer } from "../../peers/index.js";
import { performance } from "node:perf_hooks";
import {
  PythonCallAbortedError,
  PythonCallTimeoutError,
  PythonMessageTooLargeError,
  PythonNodeError,
  PythonRuntimeProtocolError,
  PythonRuntimeUnavailableError,
} from "./errors.js";
import { traceCarrier } from "../../ports/index.js";
import { decodeNodeResponse, encodeNodeRequest } from "./nodeMessage.js";
import { readNodeErrorReply, readNodeMs } from "./nodeErrorReply.js";
import {
  BLOK_NODE_SERVICE_NAME,
  executeNodeMethod,
  RELEASED_NODE_SERVICE_NAME,
  type NodeRequestMessage,
  type NodeResponseMessage,
} from "./nodeServiceMethod.js";

// @grpc/grpc-js is an optional peer, loaded when this module is: only the Python runtime imports it.
const { Client, connectivityState, credentials, Metadata, status: grpcStatus } = requirePeer<typeof Grpc>("@grpc/grpc-js");
type Client = Grpc.Client;
type connectivityState = Grpc.connectivityState;

/** Options of {@link PythonRuntimeClient}. */
export interface PythonRuntimeClientOptions {
  /** Host of the runtime (bundled or an external Blok Python runtime). */
  readonly host: string;
  /** Port of the runtime. */
  readonly port: number;
  /**
   * Interval of HTTP/2 keepalive pings, so a connection that died without closing (host down,
   * network cut) fails its calls instead of leaving them hanging. Default 330 000 ms (5.5 min):
   * a gRPC-core server, Blok's stock Python server included, answers pings sent more often than
   * every 5 minutes while no data flows with "too_many_pings" and drops the connection with every
   * call on it (Blok's client pings every 10 s, which kills any call longer than about 40 s). A
   * supervised bundled runtime is also probed by a call-level health check. `0` disables it.
   */
  readonly keepaliveMs?: number;
  /** How long a keepalive ping may go unanswered before the connection is closed; default 20 000 ms. */
  readonly keepaliveTimeoutMs?: number;
  /**
   * Largest request sent and reply accepted, in bytes; default 64 MiB, the bundled runtime's
   * default (gRPC's own default, and Blok's stock server, is 4 MiB).
   */
  readonly maxMessageBytes?: number;
  /**
   * Full gRPC service name to call, e.g. `nanoservice.workflow.v1.NodeService`. When given, only
   * that one is called. Default: the released `nanoservice.workflow.v1.NodeService`, falling back
   * once to `blok.workflow.v1.NodeService` when the runtime answers `UNIMPLEMENTED`; the name that
   * answered is remembered per runtime address for the life of the process.
   */
  readonly service?: string;
}

/** One call of {@link PythonRuntimeClient.execute}. */
export interface PythonExecuteRequest {
  /** The Python node to run (Blok's step `node`, sent as `Name`). */
  readonly node: string;
  /** The step (child) name, used in errors; defaults to `node`. */
  readonly name?: string;
  /** The context subset to send, usually from {@link buildPythonContext}; JSON-serialisable. */
  readonly context: unknown;
  /** Aborting it cancels the RPC; the runtime then cancels the node. */
  readonly signal?: AbortSignal;
  /** Deadline of the call in milliseconds; when it passes the RPC and the node are cancelled. */
  readonly timeoutMs?: number;
}

/** Where the time of one call went, in milliseconds. */
export interface PythonCallTiming {
  /** Time spent (re)connecting the channel, when this call had to wait for it. */
  readonly connect_ms?: number;
  /** The call itself, excluding `connect_ms`. */
  readonly call_ms: number;
  /** Server-side time (decode, node load, node run, encode), when the runtime reports it. */
  readonly node_ms?: number;
}

/** Result of {@link PythonRuntimeClient.execute}. */
export interface PythonExecuteResult {
  /** The node's return value, decoded. */
  readonly data: unknown;
  /** Timing of the call. */
  readonly timing: PythonCallTiming;
}

const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_KEEPALIVE_MS = 330_000;
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;
// After a lost connection grpc-js retries with backoff (default 1 s growing to 120 s, so a
// runtime back after a minute could wait two more for its clients); these bounds keep an
// external runtime that comes back reachable within ~2 s.
const RECONNECT_BACKOFF = { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 2_000 } as const;

/**
 * Node name the bundled runtime answers at once from its event loop, without loading anything:
 * the supervisor's health probe. No node can be named so (Python identifiers cannot start with
 * a double underscore and be a module the loader accepts).
 */
export const HEALTH_PROBE_NODE = "__blok_health__";

/** A call's metadata: the trace context of the work making it (W3C `traceparent`, `tracestate`) when it is traced. */
function traceMetadata(): Grpc.Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(traceCarrier() ?? {})) metadata.set(key, value);
  return metadata;
}

/** The service name that answered, per runtime address, for clients that did not choose one. */
const answeringService = new Map<string, string>();

/** A call in flight, as a supervisor sees it. */
export interface PythonInFlightCall {
  /** The Python node called. */
  readonly node: string;
  /** The step (child) name. */
  readonly name: string;
  /** `performance.now()` when the call was sent. */
  readonly startedAt: number;
}

/** Lets a supervisor hold calls while its runtime restarts (see {@link PythonRuntimeClient.setGate}). */
export interface PythonCallGate {
  /**
   * Called before each call is sent. `undefined`: send now. A promise: send once it resolves,
   * fail the call with its rejection.
   */
  admit(node: string): Promise<void> | undefined;
  /**
   * Called when a call failed as {@link PythonRuntimeUnavailableError}; resolves with the error
   * the call fails with instead (e.g. "the runtime exited with code 1"), or the same one.
   */
  explain?(call: PythonInFlightCall, error: PythonRuntimeUnavailableError): Promise<Error>;
}

interface TrackedCall extends PythonInFlightCall {
  fail(error: Error): void;
}

interface CallOutcome {
  readonly status: StatusObject;
  readonly reply: NodeResponseMessage | undefined;
  /** Set when a supervisor failed the call (see {@link PythonRuntimeClient.failInFlight}). */
  readonly failure: Error | undefined;
}

/**
 * Client of Blok's Python runtime protocol (`<service>/ExecuteNode`, where the service is
 * `nanoservice.workflow.v1.NodeService` for released Blok, `blok.workflow.v1.NodeService` for its
 * unreleased line: see {@link PythonRuntimeClientOptions.service}).
 *
 * One client holds one gRPC channel (one HTTP/2 connection), reused by every call, including
 * concurrent ones. Unlike Blok's stock client, failures reported in-band by the runtime become
 * {@link PythonNodeError}s, and calls can be cancelled and given deadlines.
 *
 * @example
 * ```ts
 * const client = new PythonRuntimeClient({ host: "127.0.0.1", port: 50051 });
 * const { data } = await client.execute({
 *   node: "text_stats",
 *   context: { request: {}, config: { text: "to be or not to be" } }, // what the step's inputs become
 *   timeoutMs: 5_000,
 * });
 * client.close();
 * ```
 */
export class PythonRuntimeClient {
  private currentAddress: string;
  // One grpc-js Client = one channel; calls multiplex over its HTTP/2 connection.
  private client: Client;
  private isClosed = false;
  private gate: PythonCallGate | undefined;
  private readonly maxMessageBytes: number;
  private readonly explicitService: string | undefined;
  private readonly channelOptions: Record<string, number>;
  private readonly calls = new Set<TrackedCall>();

  constructor(options: PythonRuntimeClientOptions) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.explicitService = options.service;
    const keepaliveMs = options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
    this.channelOptions = {
      "grpc.max_receive_message_length": this.maxMessageBytes,
      "grpc.max_send_message_length": this.maxMessageBytes,
      ...RECONNECT_BACKOFF,
      ...(keepaliveMs > 0
        ? { "grpc.keepalive_time_ms": keepaliveMs, "grpc.keepalive_timeout_ms": options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS }
        : {}),
    };
    this.currentAddress = formatAddress(options.host, options.port);
    this.client = new Client(this.currentAddress, credentials.createInsecure(), this.channelOptions);
  }

  /** `host:port` of the runtime, as used in error messages. */
  get address(): string {
    return this.currentAddress;
  }

  /**
   * The service name calls use: the explicit one, else the one the runtime answered to, else
   * `undefined` (not known yet: the next call tries the released name first).
   */
  get service(): string | undefined {
    return this.explicitService ?? answeringService.get(this.currentAddress);
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The calls sent and not yet settled. */
  get inFlight(): readonly PythonInFlightCall[] {
    return [...this.calls].map(({ node, name, startedAt }) => ({ node, name, startedAt }));
  }

  /**
   * Runs a Python node and returns its result.
   *
   * @param request - node, context, optional signal and deadline.
   * @returns the decoded data and the call's timing.
   * @throws {@link PythonNodeError} when the node raised, is unknown or failed to load.
   * @throws {@link PythonCallAbortedError} when `signal` aborted (before or during the call).
   * @throws {@link PythonCallTimeoutError} when `timeoutMs` passed.
   * @throws {@link PythonMessageTooLargeError} when the request or the reply is over a message
   *   limit (this client's or the runtime's); only this call fails.
   * @throws {@link PythonRuntimeUnavailableError} when the runtime cannot be reached or died.
   * @throws {@link PythonRuntimeProtocolError} when the answer does not follow the protocol.
   * @throws what a supervisor's gate fails the call with (runtime crashed, down).
   * @throws TypeError when `context` is not JSON-serialisable; RangeError when `timeoutMs` is
   *   not positive. Neither sends anything.
   */
  async execute(request: PythonExecuteRequest): Promise<PythonExecuteResult> {
    const { node, signal, timeoutMs } = request;
    if (signal?.aborted) throw new PythonCallAbortedError(node, signal.reason);
    if (this.isClosed) throw new PythonRuntimeUnavailableError(this.address, node, "the client is closed");
    if (timeoutMs !== undefined && !(timeoutMs > 0)) {
      throw new RangeError(`Cannot call Python node '${node}' as 'timeoutMs' must be positive: received ${timeoutMs}`);
    }
    const message = encodeNodeRequest(node, request.context);
    const requestBytes = encodedRequestBytes(message);
    if (requestBytes > this.maxMessageBytes) throw new PythonMessageTooLargeError(node, "request", requestBytes, this.maxMessageBytes, "client");
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const admission = this.gate?.admit(node);
    if (admission) await admitted(admission, request, deadline);

    const started = performance.now();
    const connect = this.watchConnect(started);
    let service = this.service ?? RELEASED_NODE_SERVICE_NAME;
    let outcome = await this.call(service, message, request, deadline, started);
    if (outcome.status.code === grpcStatus.UNIMPLEMENTED && this.service === undefined) {
      // Not told which Blok line the runtime follows: try the other name, once.
      service = service === RELEASED_NODE_SERVICE_NAME ? BLOK_NODE_SERVICE_NAME : RELEASED_NODE_SERVICE_NAME;
      outcome = await this.call(service, message, request, deadline, started);
    }
    connect.stop();
    if (outcome.failure) throw outcome.failure;
    if (outcome.status.code === grpcStatus.OK && this.explicitService === undefined) answeringService.set(this.currentAddress, service);
    const elapsed = performance.now() - started;
    let data: unknown;
    try {
      data = this.settle(request, outcome, requestBytes);
    } catch (error) {
      const explain = this.gate?.explain;
      if (!(error instanceof PythonRuntimeUnavailableError) || !explain) throw error;
      throw await explain.call(this.gate, { node, name: request.name ?? node, startedAt: started }, error);
    }
    const connectMs = connect.ms;
    const nodeMs = readNodeMs(outcome.status.metadata);
    return {
      data,
      timing: {
        ...(connectMs === undefined ? {} : { connect_ms: connectMs }),
        call_ms: connectMs === undefined ? elapsed : Math.max(0, elapsed - connectMs),
        ...(nodeMs === undefined ? {} : { node_ms: nodeMs }),
      },
    };
  }

  /**
   * Sends the health probe ({@link HEALTH_PROBE_NODE}) and resolves with its round trip in ms
   * once the runtime answered anything. Not gated and not counted in {@link inFlight}.
   *
   * @param timeoutMs - deadline of the probe.
   * @returns the round trip in milliseconds.
   * @throws {@link PythonCallTimeoutError} when no answer came within `timeoutMs`;
   *   {@link PythonRuntimeUnavailableError} when the runtime cannot be reached.
   */
  async probe(timeoutMs: number): Promise<number> {
    if (this.isClosed) throw new PythonRuntimeUnavailableError(this.address, HEALTH_PROBE_NODE, "the client is closed");
    const started = performance.now();
    const message = encodeNodeRequest(HEALTH_PROBE_NODE, {});
    const status = await new Promise<StatusObject>((resolve) => {
      const method = executeNodeMethod(this.service ?? RELEASED_NODE_SERVICE_NAME);
      const call = this.client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, message, new Metadata(), { deadline: Date.now() + timeoutMs }, () => undefined);
      call.on("status", resolve);
    });
    if (status.code === grpcStatus.DEADLINE_EXCEEDED) throw new PythonCallTimeoutError(HEALTH_PROBE_NODE, timeoutMs);
    if (status.code === grpcStatus.UNAVAILABLE || status.code === grpcStatus.CANCELLED) {
      throw new PythonRuntimeUnavailableError(this.address, HEALTH_PROBE_NODE, status.details);
    }
    // Any other answer (OK, even UNIMPLEMENTED) came from a live server loop.
    return performance.now() - started;
  }

  /**
   * Installs (or with `undefined` removes) the gate every later call passes before it is sent.
   * Used by the runtime supervisor to hold calls while the runtime restarts.
   */
  setGate(gate: PythonCallGate | undefined): void {
    this.gate = gate;
  }

  /**
   * Fails every call in flight with the error `reason` builds for it, and cancels its RPC.
   * Used by the runtime supervisor when the runtime died or hung under these calls.
   *
   * @param reason - builds the error of one call.
   * @returns how many calls were failed.
   */
  failInFlight(reason: (call: PythonInFlightCall) => Error): number {
    const failing = [...this.calls];
    for (const call of failing) call.fail(reason(call));
    return failing.length;
  }

  /**
   * Points the client at another address (a restarted runtime on a new port): a fresh channel,
   * which connects at once instead of waiting out the old channel's reconnect backoff. Calls still
   * on the old channel are cancelled; fail them first with {@link failInFlight}.
   */
  retarget(host: string, port: number): void {
    if (this.isClosed) return;
    const previous = this.client;
    const service = answeringService.get(this.currentAddress);
    this.currentAddress = formatAddress(host, port);
    // Same runtime, new port: it speaks the same service names.
    if (service !== undefined && !answeringService.has(this.currentAddress)) answeringService.set(this.currentAddress, service);
    this.client = new Client(this.currentAddress, credentials.createInsecure(), this.channelOptions);
    previous.close();
  }

  /**
   * Closes the channel. Later calls fail with {@link PythonRuntimeUnavailableError}. Idempotent.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.client.close();
  }

  /** One RPC on the current channel with `service`'s path; settles with its final status. */
  private call(service: string, message: NodeRequestMessage, request: PythonExecuteRequest, deadline: number | undefined, started: number): Promise<CallOutcome> {
    const method = executeNodeMethod(service);
    const { signal } = request;
    return new Promise((resolve) => {
      let reply: NodeResponseMessage | undefined;
      let failure: Error | undefined;
      const call = this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        message,
        traceMetadata(),
        deadline === undefined ? {} : { deadline },
        (_error: ServiceError | null, value?: NodeResponseMessage) => {
          // Errors are handled from the 'status' event, which also carries trailing metadata.
          reply = value;
        },
      );
      const tracked: TrackedCall = {
        node: request.node,
        name: request.name ?? request.node,
        startedAt: started,
        fail: (error) => {
          failure ??= error;
          call.cancel();
        },
      };
      this.calls.add(tracked);
      const onAbort = (): void => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
      // 'status' is the last event of a call, emitted after the callback: by then `reply` is set.
      call.on("status", (status: StatusObject) => {
        signal?.removeEventListener("abort", onAbort);
        this.calls.delete(tracked);
        resolve({ status, reply, failure });
      });
    });
  }

  /** Turns a finished call into data or the matching typed error. */
  private settle(request: PythonExecuteRequest, { status, reply }: CallOutcome, requestBytes: number): unknown {
    const { node } = request;
    switch (status.code) {
      case grpcStatus.OK: {
        if (!reply) throw new PythonRuntimeProtocolError(this.address, node, "OK status without a reply message");
        let data: unknown;
        try {
          data = decodeNodeResponse(reply);
        } catch (error) {
          throw new PythonRuntimeProtocolError(this.address, node, `undecodable reply: ${(error as Error).message}`, { cause: error });
        }
        const failure = readNodeErrorReply(data, status.metadata);
        if (failure) throw new PythonNodeError({ node, name: request.name ?? node, ...failure });
        return data;
      }
      case grpcStatus.CANCELLED:
        if (request.signal?.aborted) throw new PythonCallAbortedError(node, request.signal.reason);
        // Not cancelled by us: the runtime is shutting down (or the channel was closed).
        throw new PythonRuntimeUnavailableError(this.address, node, `call cancelled by the runtime: ${status.details}`);
      case grpcStatus.DEADLINE_EXCEEDED:
        throw new PythonCallTimeoutError(node, request.timeoutMs ?? Number.NaN);
      case grpcStatus.UNAVAILABLE:
        throw new PythonRuntimeUnavailableError(this.address, node, status.details);
      case grpcStatus.RESOURCE_EXHAUSTED: {
        const tooLarge = this.readSizeLimit(node, status.details, requestBytes);
        if (tooLarge) throw tooLarge;
        break;
      }
      case grpcStatus.UNIMPLEMENTED:
        throw new PythonRuntimeProtocolError(
          this.address,
          node,
          `gRPC status UNIMPLEMENTED: ${status.details}. The runtime serves neither ` +
            (this.explicitService === undefined
              ? `${RELEASED_NODE_SERVICE_NAME} nor ${BLOK_NODE_SERVICE_NAME}`
              : `${this.explicitService} (set by --python-service or RUNTIME_PYTHON3_SERVICE)`) +
            "; is it a Blok Python runtime?",
        );
    }
    throw new PythonRuntimeProtocolError(this.address, node, `gRPC status ${grpcStatus[status.code]}: ${status.details}`);
  }

  /**
   * Reads gRPC's "Received/Sent message larger than max (N vs. M)". The request is the message
   * whose size we sent; anything else is the reply, over our limit when M is ours.
   */
  private readSizeLimit(node: string, details: string, requestBytes: number): PythonMessageTooLargeError | undefined {
    const match = /(Received|Sent) message larger than max \((\d+) vs\.? (\d+)\)/i.exec(details);
    if (!match) return undefined;
    const bytes = Number(match[2]);
    const limit = Number(match[3]);
    if (bytes === requestBytes) return new PythonMessageTooLargeError(node, "request", bytes, limit, "runtime");
    const side = match[1]!.toLowerCase() === "received" && limit === this.maxMessageBytes ? "client" : "runtime";
    return new PythonMessageTooLargeError(node, "reply", bytes, limit, side);
  }
  /**
   * Measures how long this call waits for the channel to become READY, when it is not READY
   * already. The watch runs beside the call and never delays it: a channel that fails to connect
   * fails the call by itself (UNAVAILABLE).
   */
  private watchConnect(started: number): { readonly ms: number | undefined; stop(): void } {
    const channel = this.client.getChannel();
    // `true`: an idle channel starts connecting now, as the call is about to need it.
    const initial = channel.getConnectivityState(true);
    let ms: number | undefined;
    let active = initial !== connectivityState.READY;
    const watch = (current: connectivityState): void => {
      // No deadline, hence no timer: the watcher goes away at the next state change, which
      // CONNECTING and IDLE always have (and close() forces with SHUTDOWN).
      channel.watchConnectivityState(current, Infinity, () => {
        if (!active) return;
        const next = channel.getConnectivityState(false);
        if (next === connectivityState.READY) {
          ms = performance.now() - started;
          active = false;
        } else if (next === connectivityState.CONNECTING || next === connectivityState.IDLE) {
          watch(next);
        } else {
          active = false; // TRANSIENT_FAILURE / SHUTDOWN: the call fails on its own
        }
      });
    };
    if (active) watch(initial);
    return {
      get ms() {
        return ms;
      },
      stop() {
        active = false;
      },
    };
  }
}

function formatAddress(host: string, port: number): string {
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

/** Exact protobuf size of a request: per non-empty string field, a tag byte, a varint length, the bytes. */
function encodedRequestBytes(message: NodeRequestMessage): number {
  let total = 0;
  for (const value of [message.Name, message.Message, message.Encoding, message.Type]) {
    if (!value) continue;
    const length = Buffer.byteLength(value);
    total += 1 + varintBytes(length) + length;
  }
  return total;
}

function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes++;
  }
  return bytes;
}

/** Waits for a supervisor's admission, bounded by the call's own signal and deadline. */
function admitted(admission: Promise<void>, request: PythonExecuteRequest, deadline: number | undefined): Promise<void> {
  const { node, signal, timeoutMs } = request;
  return new Promise<void>((resolve, reject) => {
    const timer = deadline === undefined ? undefined : setTimeout(() => finish(new PythonCallTimeoutError(node, timeoutMs ?? Number.NaN)), Math.max(0, deadline - Date.now()));
    const onAbort = (): void => finish(new PythonCallAbortedError(node, signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    let done = false;
    function finish(error?: unknown): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    admission.then(() => finish(), (error: unknown) => finish(error ?? new Error("admission refused")));
  });
}
