import { spawn, type ChildProcess } from "node:child_process";
import { delimiter, resolve as resolvePath } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_MAX_LINE_BYTES, readBoundedLines } from "./boundedLines.js";
import { PythonRuntimeStartError } from "./errors.js";
import { findPythonInterpreter } from "./findPythonInterpreter.js";
import { onParentExit } from "./onParentExit.js";
import { locatePythonRuntimeAssets } from "./packageAssets.js";

/** The line the server prints on stdout once it is serving: `BLOK_PYTHON_RUNTIME_READY <port>`. */
export const PYTHON_RUNTIME_READY_PREFIX = "BLOK_PYTHON_RUNTIME_READY";

/**
 * The line the server's loop watchdog prints while its event loop is blocked:
 * `BLOK_PYTHON_RUNTIME_BLOCKED <ms> <node name as JSON, or null>`.
 */
export const PYTHON_RUNTIME_BLOCKED_PREFIX = "BLOK_PYTHON_RUNTIME_BLOCKED";

/** A report of the server's loop watchdog: its event loop has not turned for `ms`. */
export interface PythonRuntimeBlockedReport {
  /** How long the loop has been blocked, in milliseconds. */
  readonly ms: number;
  /** The node whose call was running on the loop, when the watchdog could tell. */
  readonly node: string | undefined;
}

/** Which output stream of the runtime process a log line came from. */
export type PythonRuntimeLogStream = "stdout" | "stderr";

/** Options of {@link startPythonRuntime}. */
export interface StartPythonRuntimeOptions {
  /** Directory of Python nodes: `<dir>/<node>.py` or `<dir>/<node>/node.py`. */
  readonly nodesDir: string;
  /** Interpreter to run; default: {@link findPythonInterpreter}. */
  readonly python?: string;
  /** Address to bind; default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** Port to bind; default `0` = a free port chosen by the OS. */
  readonly port?: number;
  /** How long to wait for the ready line; default 15 000 ms. */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 5 000 ms. */
  readonly stopTimeoutMs?: number;
  /** Worker threads for sync nodes; default 32 (the server's default). */
  readonly maxThreads?: number;
  /**
   * Largest request and reply the server accepts, in bytes, rounded up to whole MiB; default
   * 64 MiB (`RUNTIME_PYTHON3_MAX_MESSAGE_MB` in `env` when set).
   */
  readonly maxMessageBytes?: number;
  /**
   * Longest output line kept whole, in bytes; default 1 MiB. Longer lines (a node printing
   * megabytes without a newline) reach `onLog` cut to this length and marked, so such output
   * costs bounded memory.
   */
  readonly maxLineBytes?: number;
  /** Hears the server's loop watchdog while its event loop is blocked (about every 500 ms). */
  readonly onBlocked?: (report: PythonRuntimeBlockedReport) => void;
  /** Extra environment for the process, merged over `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Receives every line the process (and the nodes' `print`) writes. Default: stderr lines are
   * written to this process's stderr prefixed with `[blok-python <pid>]`, stdout lines too.
   */
  readonly onLog?: (line: string, stream: PythonRuntimeLogStream) => void;
}

/** How a runtime process ended. */
export interface PythonRuntimeExit {
  /** Exit code, or `null` when killed by a signal. */
  readonly code: number | null;
  /** The signal that killed it, or `null`. */
  readonly signal: NodeJS.Signals | null;
}

/** A running bundled runtime, as returned by {@link startPythonRuntime}. */
export interface PythonRuntimeProcess {
  /** Host the server listens on. */
  readonly host: string;
  /** Port the server listens on (the real one when `0` was asked). */
  readonly port: number;
  /** Process id of the server. */
  readonly pid: number;
  /** The interpreter that runs it. */
  readonly python: string;
  /** Milliseconds from spawn to the ready line (interpreter start, imports, bind). */
  readonly startupMs: number;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<PythonRuntimeExit>;
  /**
   * Stops the server: SIGTERM (in-flight calls get the server's grace period, then are
   * cancelled), SIGKILL after `stopTimeoutMs`. Resolves once the process is gone. Idempotent.
   */
  stop(): Promise<void>;
}

const STDERR_TAIL_LINES = 40;
const STDERR_TAIL_LINE_CHARS = 2_000;

/**
 * Starts the bundled Python runtime (`python -m blok_runtime`) as a child process and waits
 * until it serves.
 *
 * The process can never outlive this one: it is stopped by `stop()`, on this process's `exit`,
 * SIGINT and SIGTERM, and — because its stdin is a pipe from us that the kernel closes when we
 * die, even by SIGKILL — the server exits by itself on stdin EOF.
 *
 * @param options - nodes directory, interpreter, address, timeouts, log sink.
 * @returns the running process: address, pid, `stop()`.
 * @throws {@link PythonInterpreterNotFoundError} when no interpreter is given and none is found.
 * @throws {@link PythonRuntimeStartError} when the process cannot be spawned, exits before it is
 *   ready (bad nodes directory, port in use...) or is not ready within `startTimeoutMs`; the
 *   process is gone when this is thrown.
 * @example
 * ```ts
 * const runtime = await startPythonRuntime({ nodesDir: "examples/mixed/python-nodes" });
 * const client = new PythonRuntimeClient(runtime);
 * try {
 *   const { data } = await client.execute({ node: "text_stats", context: { config: { text: "a b a" } } });
 * } finally {
 *   client.close();
 *   await runtime.stop();
 * }
 * ```
 */
export async function startPythonRuntime(options: StartPythonRuntimeOptions): Promise<PythonRuntimeProcess> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const python = options.python ?? (await findPythonInterpreter());
  const { pythonDir } = locatePythonRuntimeAssets();
  const env = { ...process.env, ...options.env };

  const args = ["-m", "blok_runtime", "--nodes", resolvePath(options.nodesDir), "--host", host, "--port", String(port), "--exit-on-stdin-eof"];
  if (options.maxThreads !== undefined) args.push("--max-threads", String(options.maxThreads));
  if (options.maxMessageBytes !== undefined) args.push("--max-message-mb", String(Math.ceil(options.maxMessageBytes / (1024 * 1024))));

  const spawnedAt = performance.now();
  const child = spawn(python, args, {
    env: {
      ...env,
      PYTHONPATH: env.PYTHONPATH ? `${pythonDir}${delimiter}${env.PYTHONPATH}` : pythonDir,
      // Node output reaches the log sink line by line instead of in 8 KB blocks.
      PYTHONUNBUFFERED: "1",
    },
    stdio: ["pipe", "pipe", "pipe"],
    windowsHide: true,
  });

  const stderrTail: string[] = [];
  const exited = new Promise<PythonRuntimeExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  // 'error' means the interpreter could not be spawned (or, later, signalled): there may be no
  // process at all. A permanent listener, because an unhandled 'error' event would crash us.
  const spawnError = new Promise<Error>((resolve) => child.on("error", resolve));
  // Ending stdin of a process that already died raises EPIPE on the pipe; nothing to do then.
  child.stdin?.on("error", () => undefined);
  // Registered before anything can fail, so a Ctrl-C during start-up kills the process too.
  const disposeParentHooks = onParentExit(() => child.kill("SIGTERM"));
  void exited.then(disposeParentHooks);

  const log = options.onLog ?? defaultLog(child);
  const ready = watchOutput(child, stderrTail, log, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, options.onBlocked);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), startTimeoutMs);
  });
  const outcome = await Promise.race([
    ready.then((readyPort) => ({ kind: "ready" as const, port: readyPort })),
    exited.then((exit) => ({ kind: "exit" as const, exit })),
    spawnError.then((error) => ({ kind: "spawn" as const, error })),
    timedOut.then(() => ({ kind: "timeout" as const })),
  ]);
  clearTimeout(timer);

  if (outcome.kind === "ready") {
    return {
      host,
      port: outcome.port,
      pid: child.pid as number,
      python,
      startupMs: performance.now() - spawnedAt,
      exited,
      stop: once(() => stopProcess(child, exited, stopTimeoutMs)),
    };
  }

  await stopProcess(child, exited, stopTimeoutMs);
  const tail = () => stderrTail.join("\n");
  switch (outcome.kind) {
    case "spawn":
      disposeParentHooks();
      throw new PythonRuntimeStartError("spawn", `cannot run ${python}: ${outcome.error.message}`, "", undefined, {
        cause: outcome.error,
      });
    case "exit": {
      // 'exit' can precede the last stderr chunk; 'close' fires once the pipes are drained.
      await new Promise((resolve) => (child.stdout?.closed && child.stderr?.closed ? resolve(undefined) : child.once("close", resolve)));
      const { code, signal } = outcome.exit;
      throw new PythonRuntimeStartError("exit", `${python} exited before it was ready (${signal ? `signal ${signal}` : `code ${code}`})`, tail(), child.pid);
    }
    case "timeout":
      throw new PythonRuntimeStartError("timeout", `not ready within ${startTimeoutMs} ms`, tail(), child.pid);
  }
}

/**
 * Resolves with the port of the ready line; hands watchdog reports to `onBlocked` and forwards
 * every other line to `log`.
 */
function watchOutput(
  child: ChildProcess,
  stderrTail: string[],
  log: (line: string, stream: PythonRuntimeLogStream) => void,
  maxLineBytes: number,
  onBlocked: ((report: PythonRuntimeBlockedReport) => void) | undefined,
): Promise<number> {
  readBoundedLines(child.stderr!, maxLineBytes, (line) => {
    stderrTail.push(line.length > STDERR_TAIL_LINE_CHARS ? `${line.slice(0, STDERR_TAIL_LINE_CHARS)}...` : line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    log(line, "stderr");
  });
  return new Promise((resolve) => {
    let isReady = false;
    // Keep reading after the ready line: an undrained pipe would block a node that prints.
    readBoundedLines(child.stdout!, maxLineBytes, (line) => {
      if (!isReady && line.startsWith(`${PYTHON_RUNTIME_READY_PREFIX} `)) {
        const port = Number(line.slice(PYTHON_RUNTIME_READY_PREFIX.length + 1));
        if (Number.isInteger(port) && port > 0) {
          isReady = true;
          return resolve(port);
        }
      }
      // The watchdog's line may follow what a node printed without a newline.
      const at = line.indexOf(`${PYTHON_RUNTIME_BLOCKED_PREFIX} `);
      const report = at < 0 ? undefined : readBlockedReport(line.slice(at + PYTHON_RUNTIME_BLOCKED_PREFIX.length + 1));
      if (!report) return log(line, "stdout");
      if (at > 0) log(line.slice(0, at), "stdout");
      onBlocked?.(report);
    });
  });
}

function readBlockedReport(text: string): PythonRuntimeBlockedReport | undefined {
  const space = text.indexOf(" ");
  const ms = Number(text.slice(0, space));
  if (space < 0 || !Number.isFinite(ms)) return undefined;
  try {
    const node = JSON.parse(text.slice(space + 1)) as unknown;
    return { ms, node: typeof node === "string" ? node : undefined };
  } catch {
    return undefined;
  }
}

function defaultLog(child: ChildProcess): (line: string, stream: PythonRuntimeLogStream) => void {
  return (line) => {
    process.stderr.write(`[blok-python ${child.pid}] ${line}\n`);
  };
}

async function stopProcess(child: ChildProcess, exited: Promise<PythonRuntimeExit>, stopTimeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  // EOF on stdin and SIGTERM both ask for a graceful stop; SIGKILL if that takes too long.
  child.stdin?.end();
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
  try {
    await exited;
  } finally {
    clearTimeout(killTimer);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
