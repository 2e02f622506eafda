import { describe, expect, it } from "vitest";
import { InterruptedError, onShutdownSignals } from "../../src/cli/shutdownSignals.js";

describe("onShutdownSignals()", () => {
  it("onShutdownSignals() runs one stage per signal, SIGINT or SIGTERM alike, then writes and exits at once (code 1); dispose removes its listeners", () => {
    const before = ["SIGINT", "SIGTERM"].map((signal) => process.listenerCount(signal));
    const seen: string[] = [];
    const dispose = onShutdownSignals(
      { stages: [(signal) => seen.push(`cancel ${signal}`), (signal) => seen.push(`hurry ${signal}`)], atOnce: (signal) => seen.push(`last words ${signal}`) },
      { exit: (code) => seen.push(`exit ${code}`) },
    );
    try {
      process.emit("SIGTERM");
      process.emit("SIGINT");
      expect(seen).toEqual(["cancel SIGTERM", "hurry SIGINT"]);
      process.emit("SIGTERM");
      expect(seen.slice(2)).toEqual(["last words SIGTERM", "exit 1"]);
    } finally {
      dispose();
    }
    expect(["SIGINT", "SIGTERM"].map((signal) => process.listenerCount(signal))).toEqual(before);
  });

  it("InterruptedError names the signal", () => {
    expect(new InterruptedError("SIGTERM")).toMatchObject({ name: "InterruptedError", signal: "SIGTERM", message: "interrupted by SIGTERM" });
  });
});
