const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs `cleanup` (synchronously) when this Node.js process exits or receives SIGINT/SIGTERM.
 *
 * Listening to a signal replaces Node's default action (terminate), so after cleaning up the
 * handler removes itself and, when no other listener remains, re-sends the signal to restore that
 * default: Ctrl-C still ends the program.
 *
 * @param cleanup - must be synchronous (nothing asynchronous runs during `exit`).
 * @returns a function that removes the listeners; call it once the resource is released.
 */
export function onParentExit(cleanup: () => void): () => void {
  const onExit = (): void => cleanup();
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    dispose();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  function dispose(): void {
    process.off("exit", onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return dispose;
}
