/**
 * In-process CPU profile of some rounds (through the inspector, so module loading and warm-up
 * stay out of it), reduced to self time per origin and the hottest functions.
 */
import { Session } from "node:inspector/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface ProfileSummary {
  readonly samples: number;
  /** Share of self time per origin, largest first. */
  readonly origins: { origin: string; share: number }[];
  /** The hottest functions by self time. */
  readonly top: { fn: string; origin: string; share: number }[];
}

/** Where a function lives, in words a reader of the report understands. */
function originOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)" || functionName === "(idle)" || functionName === "(root)") return "VM / idle";
  if (url.includes("/bench-core/")) return /\/core\.mjs$/.test(url) ? "executor (src/core)" : "benchmark (work fn)";
  if (url.includes("/node_modules/rxjs/")) return "rxjs";
  if (url.includes("/node_modules/p-map/")) return "p-map";
  if (url.includes("abort_controller") || url.includes("event_target")) return "Node AbortController / EventTarget";
  if (url.includes("timers")) return "Node timers";
  if (url.startsWith("node:")) return "Node (other)";
  if (url === "") return "V8 builtins";
  return "other";
}

/** Runs `round` `rounds` times under the sampling profiler (100 us interval). */
export async function profileRounds(rounds: number, round: () => Promise<void>, topCount = 12): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  for (let i = 0; i < rounds; i++) await round();
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  session.disconnect();

  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perFunction = new Map<string, { origin: string; count: number }>();
  const perOrigin = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    const origin = originOf(frame);
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules\/|bench-core\/[^/]+\/)/, "")}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    const entry = perFunction.get(key) ?? { origin, count: 0 };
    entry.count++;
    perFunction.set(key, entry);
    perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1);
  }
  const total = profile.samples.length || 1;
  return {
    samples: profile.samples.length,
    origins: [...perOrigin].map(([origin, count]) => ({ origin, share: count / total })).sort((a, b) => b.share - a.share),
    top: [...perFunction]
      .map(([fn, { origin, count }]) => ({ fn, origin, share: count / total }))
      .sort((a, b) => b.share - a.share)
      .slice(0, topCount),
  };
}
