/**
 * Errors of the Python runtime, one class per way a call or the runtime process can fail. All
 * extend {@link PythonRuntimeError}, and each has a stable `name` so it survives serialisation
 * (e.g. into `execution_info`) as well as `instanceof`.
 */

/** Base class of every error raised by the Python runtime client and launcher. */
export class PythonRuntimeError extends Error {
  override readonly name: string = "PythonRuntimeError";
}

/** What {@link PythonNodeError} is built from: the node's in-band error reply. */
export interface PythonNodeErrorDetails {
  /** The Python node that failed (the request's `Name`). */
  readonly node: string;
  /** The workflow step (child) name the call was made for; defaults to `node`. */
  readonly name: string;
  /** The exception's message (`str(exc)`). */
  readonly message: string;
  /** The exception's class name, e.g. `ValueError`, `NodeNotFoundError`. */
  readonly pythonType: string;
  /** The Python traceback, as formatted by `traceback.format_exception`. */
  readonly pythonStack: string;
  /** The HTTP status a Blok workflow should answer with (`NodeError(code=...)`), if given. */
  readonly code?: number;
  /** A structured error body (`NodeError(json=...)`), if given. */
  readonly json?: unknown;
}

/**
 * The Python node raised (or could not be found or loaded). The runtime answered with an in-band
 * error reply; the call itself worked.
 */
export class PythonNodeError extends PythonRuntimeError {
  override readonly name = "PythonNodeError";
  /** The Python node that failed. */
  readonly node: string;
  /** The step (child) name the call was made for. */
  readonly step: string;
  /** The exception's class name. */
  readonly pythonType: string;
  /** The exception's own message (`message` adds the node, step and type to it). */
  readonly pythonMessage: string;
  /** The Python traceback. */
  readonly pythonStack: string;
  /** HTTP status requested by the node, if any. */
  readonly code: number | undefined;
  /** Structured error body requested by the node, if any. */
  readonly json: unknown;

  constructor(details: PythonNodeErrorDetails) {
    super(`Python node '${details.node}' (step '${details.name}') raised ${details.pythonType}: ${details.message}`);
    this.node = details.node;
    this.step = details.name;
    this.pythonType = details.pythonType;
    this.pythonMessage = details.message;
    this.pythonStack = details.pythonStack;
    this.code = details.code;
    this.json = details.json;
  }
}

/**
 * The runtime could not be reached or went away during the call (connection refused, process
 * killed, connection dropped, client closed).
 */
export class PythonRuntimeUnavailableError extends PythonRuntimeError {
  override readonly name = "PythonRuntimeUnavailableError";
  constructor(
    /** `host:port` of the runtime. */
    readonly address: string,
    /** The node being called, when the failure happened during a call. */
    readonly node: string | undefined,
    /** What went wrong, e.g. the gRPC status details. */
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(
      `Python runtime at ${address} is unavailable${node === undefined ? "" : ` (calling node '${node}')`}: ${details}`,
      options,
    );
  }
}

/** The caller's `AbortSignal` aborted the call; the RPC was cancelled and the node with it. */
export class PythonCallAbortedError extends PythonRuntimeError {
  override readonly name = "PythonCallAbortedError";
  constructor(
    /** The node whose call was cancelled. */
    readonly node: string,
    /** `signal.reason` of the aborting signal. */
    readonly reason: unknown,
  ) {
    super(`Call to Python node '${node}' was aborted`, { cause: reason });
  }
}

/** The call's `timeoutMs` deadline passed; the RPC was cancelled and the node with it. */
export class PythonCallTimeoutError extends PythonRuntimeError {
  override readonly name = "PythonCallTimeoutError";
  constructor(
    /** The node whose call timed out. */
    readonly node: string,
    /** The deadline that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`Call to Python node '${node}' exceeded its ${timeoutMs} ms deadline`);
  }
}

/**
 * The peer answered outside the protocol: an unexpected gRPC status (e.g. `UNIMPLEMENTED` from a
 * server that is not a Blok runtime, `RESOURCE_EXHAUSTED` for an oversized message) or a reply
 * whose `Message` cannot be decoded.
 */
export class PythonRuntimeProtocolError extends PythonRuntimeError {
  override readonly name = "PythonRuntimeProtocolError";
  constructor(
    /** `host:port` of the runtime. */
    readonly address: string,
    /** The node being called. */
    readonly node: string,
    /** What was wrong with the answer. */
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(`Python runtime at ${address} answered the call to node '${node}' outside the protocol: ${details}`, options);
  }
}

/** One interpreter {@link findPythonInterpreter} tried, and why it was rejected. */
export interface PythonCandidateRejection {
  /** The command or path tried. */
  readonly candidate: string;
  /** Why it cannot host the runtime (not found, no `grpc` module, too old). */
  readonly reason: string;
}

/** No usable Python interpreter (one that can `import grpc`) was found. */
export class PythonInterpreterNotFoundError extends PythonRuntimeError {
  override readonly name = "PythonInterpreterNotFoundError";
  constructor(
    /** Every candidate tried, in order, with the reason it was rejected. */
    readonly tried: readonly PythonCandidateRejection[],
  ) {
    super(
      `No Python interpreter able to run the Blok runtime was found. Tried: ${tried
        .map((t) => `${t.candidate} (${t.reason})`)
        .join("; ")}. Install gRPC for Python (Debian/Ubuntu: apt-get install python3-grpcio), ` +
        "or set BLOK_PYTHON to an interpreter (Python >= 3.9) that can `import grpc`.",
    );
  }
}

/** Why {@link startPythonRuntime} gave up. */
export type PythonRuntimeStartFailure = "spawn" | "exit" | "timeout";

/** The bundled runtime process could not be started, exited before it was ready, or timed out. */
export class PythonRuntimeStartError extends PythonRuntimeError {
  override readonly name = "PythonRuntimeStartError";
  constructor(
    /** `spawn` (could not run the interpreter), `exit` (died before ready) or `timeout`. */
    readonly failure: PythonRuntimeStartFailure,
    /** Human-readable detail (exit code or signal, timeout, spawn error). */
    readonly details: string,
    /** The last lines the process wrote to stderr. */
    readonly stderrTail: string,
    /** The process id, when a process was created (it is gone when this error is thrown). */
    readonly pid: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `Python runtime failed to start (${failure}): ${details}${stderrTail ? `\n--- stderr (last lines) ---\n${stderrTail}` : ""}`,
      options,
    );
  }
}

/** Which way an oversized message was going. */
export type PythonMessageDirection = "request" | "reply";

/**
 * A request or reply is larger than a gRPC message limit: the client's or the runtime's. Only the
 * call at fault fails; the channel and the other calls go on.
 */
export class PythonMessageTooLargeError extends PythonRuntimeError {
  override readonly name = "PythonMessageTooLargeError";
  constructor(
    /** The node being called. */
    readonly node: string,
    /** `request` (the context sent) or `reply` (what the node returned). */
    readonly direction: PythonMessageDirection,
    /** Size of the message in bytes. */
    readonly bytes: number,
    /** The limit it exceeded, in bytes. */
    readonly limitBytes: number,
    /** Whose limit: this process's client or the runtime's server. */
    readonly side: "client" | "runtime",
  ) {
    super(
      `The ${direction} of Python node '${node}' is ${formatBytes(bytes)}, over the ${side === "client" ? "client's" : "runtime's"} ` +
        `${formatBytes(limitBytes)} message limit: raise it with --python-max-message-mb or RUNTIME_PYTHON3_MAX_MESSAGE_MB ` +
        "(an external runtime needs its own limit raised too: Blok's stock Python server accepts 4 MiB)",
    );
  }
}

/** `12.3 MiB (12897484 bytes)`: both the readable figure and the exact one. */
function formatBytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB (${bytes} bytes)`;
}

/**
 * The supervised runtime failed while this call was in flight: its process exited (a node
 * called `os._exit`, a C extension crashed, the OOM killer), or its event loop stopped answering
 * the health probe (a node blocking it). The runtime is restarted; this call is not retried.
 */
export class PythonRuntimeCrashError extends PythonRuntimeError {
  override readonly name = "PythonRuntimeCrashError";
  constructor(
    /** The node of the failed call. */
    readonly node: string,
    /** `exit` (the process ended) or `blocked` (its event loop did not answer in time). */
    readonly cause: "exit" | "blocked",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The supervised runtime is not running and will not be restarted: it failed more often than
 * its restart budget allows, or it cannot start. Calls fail at once until the runtime is closed.
 */
export class PythonRuntimeDownError extends PythonRuntimeError {
  override readonly name = "PythonRuntimeDownError";
  constructor(
    /** The node of the refused call. */
    readonly node: string,
    /** Why the runtime is down. */
    readonly details: string,
  ) {
    super(`Cannot run Python node '${node}': the Python runtime is down (${details})`);
  }
}
