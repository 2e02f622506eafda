const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** The signal listeners of every live {@link onParentExit} registration: none of them "handles" a signal. */
const hooks = new Set<(...args: never[]) => unknown>();

/** Listeners of `signal` that belong to the program, not to an {@link onParentExit} registration. */
function programListeners(signal: NodeJS.Signals): number {
  return process.listeners(signal).filter((listener) => !hooks.has(listener as never)).length;
}

/**
 * Runs `cleanup` (synchronously) when this Node.js process exits, or when it receives SIGINT or
 * SIGTERM that nothing else in the program handles.
 *
 * A signal with no listener terminates Node without an `exit` event, so the hook listens to keep
 * the child from being orphaned, and then plays Node's default: it cleans up, removes itself and
 * re-sends the signal when no listener is left, so Ctrl-C still ends such a program.
 *
 * When the program has its own listener for the signal (the CLI cancels its run on the first
 * SIGINT/SIGTERM and prints its result; a server drains), the hook leaves the signal to it and
 * does nothing: killing the child there would fail in-flight calls with a connection error
 * instead of a cancellation, and re-sending the signal would kill the program before it reports.
 * The `exit` hook still runs when that program ends. The hook listens first (prepended), so a
 * program's `once` listener still counts when the hook decides.
 *
 * @param cleanup - must be synchronous (nothing asynchronous runs during `exit`).
 * @returns a function that removes the listeners; call it once the resource is released.
 */
export function onParentExit(cleanup: () => void): () => void {
  const onExit = (): void => cleanup();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (programListeners(signal) > 0) return;
    cleanup();
    dispose();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  function dispose(): void {
    hooks.delete(onSignal);
    process.off("exit", onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  hooks.add(onSignal);
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  return dispose;
}
