import { setTimeout as sleep } from "node:timers/promises";
import { PythonRuntimeUnavailableError } from "./errors.js";
import type { PythonRuntimeClient } from "./PythonRuntimeClient.js";
import type { PythonRuntimeAvailability } from "./superviseBundledRuntime.js";

const PROBE_EVERY_MS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Availability of an external runtime, which this process neither starts nor restarts. A call
 * failing as unavailable (connection refused or lost) marks it down; while down, reading
 * `available` sends a health probe at most once a second, and the first answer marks it up.
 * Calls themselves are never held: they fail fast while the runtime is away.
 *
 * @param client - the client of the external runtime; its gate is set.
 * @returns the availability to hand to callers that would rather wait than fail.
 */
export function watchExternalRuntime(client: PythonRuntimeClient): PythonRuntimeAvailability {
  let up = true;
  let probing = false;
  let lastProbe = 0;
  const listeners = new Set<(available: boolean) => void>();
  const set = (value: boolean): void => {
    if (up === value) return;
    up = value;
    for (const listener of [...listeners]) listener(value);
  };
  const probe = (): void => {
    if (probing || Date.now() - lastProbe < PROBE_EVERY_MS) return;
    probing = true;
    lastProbe = Date.now();
    client.probe(PROBE_TIMEOUT_MS).then(
      () => set(true),
      () => undefined,
    ).finally(() => (probing = false));
  };
  client.setGate({
    admit: () => undefined,
    explain: async (_call, error) => {
      set(false);
      return error;
    },
  });
  return {
    get available() {
      if (!up) probe();
      return up;
    },
    async whenAvailable() {
      // Never given up on: an external runtime may come back at any time, until the client closes.
      while (!up) {
        if (client.closed) throw new PythonRuntimeUnavailableError(client.address, undefined, "the client is closed");
        probe();
        await sleep(PROBE_EVERY_MS / 4);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

