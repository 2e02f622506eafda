/** The signals an operator stops a long-running command with: Ctrl-C, and systemd's or Kubernetes' stop. */
export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM"] as const;

export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** What a long-running command does on each signal. */
export interface ShutdownHandlers {
  /**
   * What each signal does in turn, the first one first: it cancels the work and lets the command
   * end by itself (`run`: abort the run; `worker`: take no new job, let running ones finish for
   * the grace period). A command with a gentler first stage may add one (`worker`: skip the wait).
   */
  readonly stages: readonly [(signal: ShutdownSignal) => void, ...((signal: ShutdownSignal) => void)[]];
  /**
   * The signal after the last stage, just before the process exits at once. Synchronous: write what
   * must be written here (`exit` hooks then kill child processes).
   */
  readonly atOnce?: (signal: ShutdownSignal) => void;
}

/** Options of {@link onShutdownSignals}. */
export interface ShutdownSignalOptions {
  /** How the process exits after {@link ShutdownHandlers.atOnce}: `process.exit` by default. */
  readonly exit?: (code: number) => void;
}

/**
 * The one signal contract of every long-running `blok-parallel` command (`run`, `worker`, and any
 * later one): the first SIGINT or SIGTERM cancels (children's `ctx.signal` abort, worker threads
 * end, Python calls are cancelled, and the command reports as it would any other failure); once
 * the stages are used up, the next signal exits at once with code 1.
 *
 * Listening replaces Node's default action for these signals (terminate, no output), which is
 * what lets a command cancel cleanly and print its result; the returned function removes the
 * listeners, so an embedding program gets its own handling back.
 *
 * @param handlers what each signal does, and what is written before exiting at once.
 * @param options the exit function (for tests and embedding).
 * @returns removes the listeners; call it when the command has finished.
 */
export function onShutdownSignals(handlers: ShutdownHandlers, options: ShutdownSignalOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let received = 0;
  const onSignal = (signal: ShutdownSignal): void => {
    const stage = handlers.stages[received++];
    if (stage) return stage(signal);
    handlers.atOnce?.(signal);
    exit(1);
  };
  // One listener per signal, bound to its name (a `process.emit` from a test passes none).
  const listeners = SHUTDOWN_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}

/**
 * Why a command stopped: it received a shutdown signal. Its message names the signal, so the
 * error document of an interrupted `run` says what happened.
 */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";

  /** @param signal the signal received. */
  constructor(readonly signal: ShutdownSignal) {
    super(`interrupted by ${signal}`);
  }
}
