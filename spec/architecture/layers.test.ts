import { describe, expect, it } from "vitest";
import { importsOf, sourceFiles } from "./importGraph.js";

// Rooms from the bottom up; a room may load only the rooms listed for it (and itself). The order
// is the one docs/architecture.md draws. Type-only imports are erased at build time, so they create
// no load order: the one exception allowed is naming blok/contracts' types (Context, Step) below
// them, in blok/mapping, whose functions take a Context.
const BLOK = ["blok/mapping", "blok/contracts", "blok/engine", "blok/adapters", "blok"];
const RUNTIMES = ["runtimes/local", "runtimes/module", "runtimes/python", "runtimes/worker", "runtimes/queue"];
// `peers` (loading optional peer dependencies) is a leaf every room above the container may use.
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  peers: [],
  "blok/mapping": ["core"],
  "blok/contracts": ["core", "blok/mapping"],
  "blok/engine": ["core", "blok/mapping", "blok/contracts"],
  "blok/adapters": ["core", "peers", "blok/mapping", "blok/contracts", "blok/engine"],
  blok: ["core", "peers", ...BLOK],
  ports: ["core", ...BLOK],
  node: ["core", ...BLOK, "ports"],
  ...Object.fromEntries(RUNTIMES.map((room) => [room, ["core", "peers", ...BLOK, "ports"]])),
  runtimes: ["core", "peers", ...BLOK, "ports", ...RUNTIMES],
  runner: ["core", "peers", ...BLOK, "ports", "runtimes", ...RUNTIMES],
  // Tracing: spans from the runner's observer hooks and the executor's events; runtimes only read its carrier port.
  telemetry: ["core", "peers", ...BLOK, "ports", "runtimes", ...RUNTIMES, "runner"],
  composition: ["core", "peers", ...BLOK, "ports", "node", "runtimes", ...RUNTIMES, "runner", "telemetry"],
  server: ["core", "peers", ...BLOK, "ports", "node", "runtimes", ...RUNTIMES, "runner", "telemetry", "composition"],
  cli: ["core", "peers", ...BLOK, "ports", "node", "runtimes", ...RUNTIMES, "runner", "telemetry", "composition", "server"],
};

/** The room a file under src/ lives in, e.g. "blok/engine", "runtimes/python", "core". */
function roomOf(file: string): string {
  const parts = file.split("/").slice(1, -1);
  if (parts.length === 0) return "package";
  if ((parts[0] === "blok" || parts[0] === "runtimes") && parts.length > 1) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

const files = sourceFiles("src");
const edges = files.flatMap((file) => importsOf(file).edges);

describe("layers", () => {
  it("knows the room of every file under src/", () => {
    const unknown = files.map(roomOf).filter((room) => room !== "package" && !(room in ALLOWED));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it("every import goes down the stack (or stays in its room)", () => {
    const upward = edges
      .filter((edge) => {
        const from = roomOf(edge.from);
        const to = roomOf(edge.to);
        if (from === to || from === "package") return false;
        if (edge.typeOnly && to === "blok/contracts") return false;
        return !ALLOWED[from]!.includes(to);
      })
      .map((edge) => `${edge.from} -> ${edge.to}${edge.typeOnly ? " (type)" : ""}`);
    expect(upward).toEqual([]);
  });

  it("the core executor loads only rxjs, zod and node built-ins", () => {
    const packages = files.filter((file) => roomOf(file) === "core").flatMap((file) => importsOf(file).packages);
    expect([...new Set(packages)].filter((name) => !/^(rxjs|zod)(\/|$)|^node:/.test(name))).toEqual([]);
  });
});
