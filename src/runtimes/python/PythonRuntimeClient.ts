import { Client, connectivityState, credentials, Metadata, status as grpcStatus, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { performance } from "node:perf_hooks";
import {
  PythonCallAbortedError,
  PythonCallTimeoutError,
  PythonNodeError,
  PythonRuntimeProtocolError,
  PythonRuntimeUnavailableError,
} from "./errors.js";
import { decodeNodeResponse, encodeNodeRequest } from "./nodeMessage.js";
import { readNodeErrorReply, readNodeMs } from "./nodeErrorReply.js";
import { executeNodeMethod, type NodeRequestMessage, type NodeResponseMessage } from "./nodeServiceMethod.js";

/** Options of {@link PythonRuntimeClient}. */
export interface PythonRuntimeClientOptions {
  /** Host of the runtime (bundled or an external Blok Python runtime). */
  readonly host: string;
  /** Port of the runtime. */
  readonly port: number;
  /**
   * Interval of HTTP/2 keepalive pings while calls are in flight, so a runtime that vanished
   * without closing the connection (host down, network cut) fails the calls instead of leaving
   * them hanging. Default 10 000 ms, as Blok's client; `0` disables keepalive.
   */
  readonly keepaliveMs?: number;
  /** Largest reply accepted, in bytes; default 64 MiB (gRPC's own default is 4 MiB). */
  readonly maxMessageBytes?: number;
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

/**
 * Client of Blok's Python runtime protocol (`blok.workflow.v1.NodeService/ExecuteNode`).
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
  /** `host:port` of the runtime, as used in error messages. */
  readonly address: string;
  // One grpc-js Client = one channel; calls multiplex over its HTTP/2 connection.
  private readonly client: Client;
  private closed = false;

  constructor(options: PythonRuntimeClientOptions) {
    const host = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
    this.address = `${host}:${options.port}`;
    const keepaliveMs = options.keepaliveMs ?? 10_000;
    this.client = new Client(this.address, credentials.createInsecure(), {
      "grpc.max_receive_message_length": options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      ...(keepaliveMs > 0 ? { "grpc.keepalive_time_ms": keepaliveMs, "grpc.keepalive_timeout_ms": 5_000 } : {}),
    });
  }

  /**
   * Runs a Python node and returns its result.
   *
   * @param request - node, context, optional signal and deadline.
   * @returns the decoded data and the call's timing.
   * @throws {@link PythonNodeError} when the node raised, is unknown or failed to load.
   * @throws {@link PythonCallAbortedError} when `signal` aborted (before or during the call).
   * @throws {@link PythonCallTimeoutError} when `timeoutMs` passed.
   * @throws {@link PythonRuntimeUnavailableError} when the runtime cannot be reached or died.
   * @throws {@link PythonRuntimeProtocolError} when the answer does not follow the protocol.
   * @throws TypeError when `context` is not JSON-serialisable; RangeError when `timeoutMs` is
   *   not positive. Neither sends anything.
   */
  execute(request: PythonExecuteRequest): Promise<PythonExecuteResult> {
    const { node, signal, timeoutMs } = request;
    if (signal?.aborted) return Promise.reject(new PythonCallAbortedError(node, signal.reason));
    if (this.closed) return Promise.reject(new PythonRuntimeUnavailableError(this.address, node, "the client is closed"));
    if (timeoutMs !== undefined && !(timeoutMs > 0)) {
      return Promise.reject(new RangeError(`Cannot call Python node '${node}' as 'timeoutMs' must be positive: received ${timeoutMs}`));
    }
    let message: NodeRequestMessage;
    try {
      message = encodeNodeRequest(node, request.context);
    } catch (error) {
      return Promise.reject(error);
    }

    const method = executeNodeMethod();
    const started = performance.now();
    const connect = this.watchConnect(started);
    return new Promise((resolve, reject) => {
      let reply: NodeResponseMessage | undefined;
      const call = this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        message,
        new Metadata(),
        timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs },
        (_error: ServiceError | null, value?: NodeResponseMessage) => {
          // Errors are handled from the 'status' event, which also carries trailing metadata.
          reply = value;
        },
      );
      const onAbort = (): void => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
      // 'status' is the last event of a call, emitted after the callback: by then `reply` is set.
      call.on("status", (status: StatusObject) => {
        signal?.removeEventListener("abort", onAbort);
        connect.stop();
        const elapsed = performance.now() - started;
        try {
          const data = this.settle(request, status, reply);
          const connectMs = connect.ms;
          const nodeMs = readNodeMs(status.metadata);
          resolve({
            data,
            timing: {
              ...(connectMs === undefined ? {} : { connect_ms: connectMs }),
              call_ms: connectMs === undefined ? elapsed : Math.max(0, elapsed - connectMs),
              ...(nodeMs === undefined ? {} : { node_ms: nodeMs }),
            },
          });
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /**
   * Closes the channel. Later calls fail with {@link PythonRuntimeUnavailableError}. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }

  /** Turns a finished call into data or the matching typed error. */
  private settle(request: PythonExecuteRequest, status: StatusObject, reply: NodeResponseMessage | undefined): unknown {
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
      default:
        throw new PythonRuntimeProtocolError(this.address, node, `gRPC status ${grpcStatus[status.code]}: ${status.details}`);
    }
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
