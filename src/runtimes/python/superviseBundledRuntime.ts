import { performance } from "node:perf_hooks";
import { PythonCallTimeoutError, PythonRuntimeCrashError, PythonRuntimeDownError, PythonRuntimeUnavailableError } from "./errors.js";
import { PythonRuntimeClient, type PythonInFlightCall, type PythonRuntimeClientOptions } from "./PythonRuntimeClient.js";
import {
  startPythonRuntime,
  type PythonRuntimeBlockedReport,
  type PythonRuntimeExit,
  type PythonRuntimeProcess,
  type StartPythonRuntimeOptions,
} from "./startPythonRuntime.js";

/** How the bundled runtime is watched and restarted (see {@link superviseBundledRuntime}). */
export interface PythonSupervisionOptions {
  /** How often the runtime is probed while calls are in flight; default 1 000 ms; `0` disables the probe. */
  readonly healthIntervalMs?: number;
  /**
   * How long the runtime's event loop may leave a probe unanswered before the runtime counts as
   * blocked, is killed and restarted; default 10 000 ms.
   */
  readonly healthTimeoutMs?: number;
  /** Delay before the first restart; doubles with each restart in the window. Default 250 ms. */
  readonly restartDelayMs?: number;
  /** Longest delay between restarts; default 5 000 ms. */
  readonly maxRestartDelayMs?: number;
  /** Restarts allowed within `restartWindowMs`; one more failure and the runtime stays down. Default 5. */
  readonly maxRestarts?: number;
  /** The window of the restart budget; default 60 000 ms. */
  readonly restartWindowMs?: number;
}

/** Whether a runtime can take calls now, for callers that would rather wait than fail (queue workers). */
export interface PythonRuntimeAvailability {
  /** `false` while the runtime restarts or after it went down for good. */
  readonly available: boolean;
  /**
   * Resolves once the runtime is available (at once when it is); rejects with
   * {@link PythonRuntimeDownError} when it goes down for good, or is closed, first.
   */
  whenAvailable(): Promise<void>;
  /** Calls `listener` on every change; returns the function that removes it. */
  onChange(listener: (available: boolean) => void): () => void;
}

/** A bundled runtime under supervision, as returned by {@link superviseBundledRuntime}. */
export interface SupervisedPythonRuntime extends PythonRuntimeAvailability {
  /** The client; it follows the runtime across restarts. */
  readonly client: PythonRuntimeClient;
  /** The current runtime process (`undefined` between a failure and the restart). */
  readonly process: PythonRuntimeProcess | undefined;
  /** How many times the runtime was restarted. */
  readonly restarts: number;
  /** Stops supervising, closes the client and stops the process. Idempotent. */
  close(): Promise<void>;
}

type State = "up" | "restarting" | "down" | "closed";

/**
 * Starts the bundled runtime and keeps it serving. The process is watched two ways:
 *
 * - its exit: a node calling `os._exit`, a crashing C extension, the OOM killer. Every call in
 *   flight fails with {@link PythonRuntimeCrashError} "The Python runtime exited with code 1
 *   while running node 'X'...";
 * - while calls are in flight, a health probe every `healthIntervalMs`, answered by the
 *   runtime's event loop: when none comes within `healthTimeoutMs` (an `async def` node that
 *   never awaits), the process is killed and every call in flight fails, the blocking node's
 *   with "Python node 'X' (step 's') blocked the runtime's event loop for N ms" (the runtime's
 *   loop watchdog names it).
 *
 * Then the runtime is restarted after a backoff (`restartDelayMs`, doubling, at most
 * `maxRestartDelayMs`) and the client follows it to its new port; calls made meanwhile wait for
 * it (within their own deadline and signal). More than `maxRestarts` failures within
 * `restartWindowMs` and the runtime stays down: calls fail at once with
 * {@link PythonRuntimeDownError}, and {@link PythonRuntimeAvailability} says so.
 *
 * @param start - how to start the process (nodes directory, interpreter...).
 * @param client - settings of the client.
 * @param supervision - probe and restart settings.
 * @returns the supervised runtime, once the first start succeeded.
 * @throws what {@link startPythonRuntime} throws when the first start fails.
 */
export async function superviseBundledRuntime(
  start: StartPythonRuntimeOptions,
  client: Omit<PythonRuntimeClientOptions, "host" | "port"> = {},
  supervision: PythonSupervisionOptions = {},
): Promise<SupervisedPythonRuntime> {
  const supervisor = new Supervisor(start, supervision);
  await supervisor.begin(client);
  return supervisor;
}

class Supervisor implements SupervisedPythonRuntime {
  private state: State = "up";
  private current: PythonRuntimeProcess | undefined;
  private pythonClient: PythonRuntimeClient | undefined;
  private restarting: Promise<void> | undefined;
  private downReason = "";
  private restartCount = 0;
  private readonly recentFailures: number[] = [];
  private readonly listeners = new Set<(available: boolean) => void>();
  private blocked: { report: PythonRuntimeBlockedReport; at: number } | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private wakeRestart: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  private readonly healthIntervalMs: number;
  private readonly healthTimeoutMs: number;
  private readonly restartDelayMs: number;
  private readonly maxRestartDelayMs: number;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;

  constructor(
    private readonly startOptions: StartPythonRuntimeOptions,
    options: PythonSupervisionOptions,
  ) {
    this.healthIntervalMs = options.healthIntervalMs ?? 1_000;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 10_000;
    this.restartDelayMs = options.restartDelayMs ?? 250;
    this.maxRestartDelayMs = options.maxRestartDelayMs ?? 5_000;
    this.maxRestarts = options.maxRestarts ?? 5;
    this.restartWindowMs = options.restartWindowMs ?? 60_000;
  }

  get client(): PythonRuntimeClient {
    return this.pythonClient!;
  }

  get process(): PythonRuntimeProcess | undefined {
    return this.current;
  }

  get restarts(): number {
    return this.restartCount;
  }

  get available(): boolean {
    return this.state === "up";
  }

  async begin(clientOptions: Omit<PythonRuntimeClientOptions, "host" | "port">): Promise<void> {
    const first = await this.startProcess();
    this.pythonClient = new PythonRuntimeClient({ ...clientOptions, host: first.host, port: first.port });
    this.pythonClient.setGate({
      admit: (node) => this.admit(node),
      explain: (call, error) => this.explain(call, error),
    });
    if (this.healthIntervalMs > 0) {
      this.probeTimer = setInterval(() => void this.probe(), this.healthIntervalMs);
      // Supervision alone must not keep the host process alive.
      this.probeTimer.unref();
    }
  }

  whenAvailable(): Promise<void> {
    if (this.state === "up") return Promise.resolve();
    if (this.state === "restarting") return this.restarting!;
    return Promise.reject(this.refusal("a call"));
  }

  onChange(listener: (available: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.setState("closed");
      clearInterval(this.probeTimer);
      clearTimeout(this.restartTimer);
      this.wakeRestart?.();
      this.pythonClient?.close();
      await this.restarting?.catch(() => undefined);
      await this.current?.stop();
    })());
  }

  private admit(node: string): Promise<void> | undefined {
    if (this.state === "up") return undefined;
    if (this.state === "restarting") return this.restarting!.catch(() => Promise.reject(this.refusal(node)));
    return Promise.reject(this.refusal(node));
  }

  private refusal(node: string): Error {
    return this.state === "closed"
      ? new PythonRuntimeUnavailableError(this.pythonClient?.address ?? "(not started)", node, "the runtime is closed")
      : new PythonRuntimeDownError(node, this.downReason);
  }

  /**
   * A call failed as "unavailable": when that is because the process died, the exit may not
   * have been seen yet. Wait briefly for it, so the call's error names the real cause.
   */
  private async explain(call: PythonInFlightCall, error: Error): Promise<Error> {
    const runtime = this.current;
    if (!runtime || this.state === "closed") return error;
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([runtime.exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1_000)))]);
    clearTimeout(timer);
    return exit ? new PythonRuntimeCrashError(call.node, "exit", this.exitMessage(call, exit)) : error;
  }

  private async startProcess(): Promise<PythonRuntimeProcess> {
    const runtime = await startPythonRuntime({
      ...this.startOptions,
      onBlocked: (report) => {
        if (this.current === runtime) this.blocked = { report, at: performance.now() };
        this.startOptions.onBlocked?.(report);
      },
    });
    this.current = runtime;
    this.blocked = undefined;
    void runtime.exited.then((exit) => {
      if (this.current === runtime && this.state === "up") {
        this.fail(() => undefined, (call) => new PythonRuntimeCrashError(call.node, "exit", this.exitMessage(call, exit)), describeExit(exit));
      }
    });
    return runtime;
  }

  /** Probes the runtime's event loop while calls are in flight. */
  private async probe(): Promise<void> {
    const client = this.pythonClient;
    if (this.probing || this.state !== "up" || !client || client.inFlight.length === 0) return;
    this.probing = true;
    const runtime = this.current;
    try {
      await client.probe(this.healthTimeoutMs);
    } catch (error) {
      // Unreachable: the exit handler deals with a dead process; a live one answers later.
      if (error instanceof PythonCallTimeoutError && this.current === runtime && this.state === "up") {
        const pid = runtime?.pid;
        const reason = this.blockedReason();
        this.fail(
          () => {
            if (pid !== undefined) killHard(pid);
          },
          (call) => new PythonRuntimeCrashError(call.node, "blocked", this.blockedMessage(call)),
          reason,
        );
      }
    } finally {
      this.probing = false;
    }
  }

  /** Marks the runtime failed: fails the calls in flight, stops the runtime, schedules the restart. */
  private fail(stop: () => void, reason: (call: PythonInFlightCall) => Error, summary: string): void {
    // Counted first: the errors built below say which failure of the budget this is.
    const now = performance.now();
    this.recentFailures.push(now);
    while (this.recentFailures.length > 0 && now - this.recentFailures[0]! > this.restartWindowMs) this.recentFailures.shift();
    this.setState("restarting");
    this.pythonClient?.failInFlight(reason);
    stop();
    const failed = this.current;
    this.current = undefined;
    this.restarting = this.restart(failed, summary);
    // The promise is awaited by callers; an unobserved rejection must not crash the host.
    this.restarting.catch(() => undefined);
  }

  private async restart(failed: PythonRuntimeProcess | undefined, summary: string): Promise<void> {
    await failed?.exited;
    for (;;) {
      if (this.isClosed()) throw this.refusal("a call");
      if (this.recentFailures.length > this.maxRestarts) {
        this.downReason = `it failed ${this.recentFailures.length} times within ${this.restartWindowMs} ms, over its budget of ${this.maxRestarts} restarts; last failure: ${summary}`;
        this.setState("down");
        throw this.refusal("a call");
      }
      const delay = Math.min(this.maxRestartDelayMs, this.restartDelayMs * 2 ** (this.recentFailures.length - 1));
      await new Promise<void>((resolve) => {
        this.wakeRestart = resolve;
        this.restartTimer = setTimeout(resolve, delay);
      });
      if (this.isClosed()) throw this.refusal("a call");
      try {
        const runtime = await this.startProcess();
        if (this.isClosed()) {
          await runtime.stop();
          throw this.refusal("a call");
        }
        this.restartCount++;
        this.pythonClient?.retarget(runtime.host, runtime.port);
        this.setState("up");
        return;
      } catch (error) {
        if (this.isClosed()) throw error;
        summary = `restart failed: ${(error as Error).message}`;
        this.recentFailures.push(performance.now());
      }
    }
  }

  // A method, not an inline comparison: the state changes across the awaits of restart().
  private isClosed(): boolean {
    return this.state === "closed";
  }

  private setState(state: State): void {
    const was = this.available;
    this.state = state;
    if (was !== this.available) for (const listener of [...this.listeners]) listener(this.available);
  }

  private exitMessage(call: PythonInFlightCall, exit: PythonRuntimeExit): string {
    return `The Python runtime ${describeExit(exit)} while running node '${call.node}' (step '${call.name}'); ${this.afterFailure()}`;
  }

  private blockedReason(): string {
    const blocked = this.blocked;
    if (!blocked?.report.node) return `it did not answer its health probe within ${this.healthTimeoutMs} ms`;
    return `node '${blocked.report.node}' blocked its event loop for ${this.blockedMs()} ms`;
  }

  private blockedMs(): number {
    const blocked = this.blocked!;
    return Math.round(blocked.report.ms + (performance.now() - blocked.at));
  }

  private blockedMessage(call: PythonInFlightCall): string {
    const culprit = this.blocked?.report.node;
    if (culprit === call.node) {
      return `Python node '${call.node}' (step '${call.name}') blocked the runtime's event loop for ${this.blockedMs()} ms ` +
        `(the health probe allows ${this.healthTimeoutMs} ms): an async node must await, or be a plain def to run in a thread; ${this.afterFailure()}`;
    }
    return `The Python runtime stopped answering while running node '${call.node}' (step '${call.name}'): ${this.blockedReason()}; ${this.afterFailure()}`;
  }

  private afterFailure(): string {
    const failures = this.recentFailures.length;
    if (failures > this.maxRestarts) {
      return `it is not restarted again: ${failures} failures within ${this.restartWindowMs} ms exceed its budget of ${this.maxRestarts} restarts`;
    }
    return `it is being restarted (restart ${failures} of at most ${this.maxRestarts} within ${this.restartWindowMs} ms)`;
  }
}

function describeExit(exit: PythonRuntimeExit): string {
  return exit.signal ? `was killed by signal ${exit.signal}` : `exited with code ${exit.code}`;
}

function killHard(pid: number): void {
  try {
    // A blocked event loop never runs the SIGTERM handler: only SIGKILL ends it at once.
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
