import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findPythonInterpreter } from "../../../src/runtimes/python/index.js";

/** Repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** Test nodes (echo, sleepy, failing...). */
export const fixtureNodes = join(repoRoot, "spec/runtimes/python/fixtures/nodes");
/** The shipped example nodes (text_stats). */
export const exampleNodes = join(repoRoot, "examples/mixed/python-nodes");

/** The interpreter the suites use, or undefined when none can `import grpc`. */
export const python: string | undefined = await findPythonInterpreter().catch(() => undefined);

/** Title suffix for suites skipped because no interpreter exists. */
export const needsPython = python
  ? ""
  : " [SKIPPED: no Python interpreter can `import grpc`; apt-get install python3-grpcio or set BLOK_PYTHON]";

/**
 * Whether `pid` is a running process. A zombie (exited, not yet reaped by its new parent) counts
 * as gone: it runs no code and holds no socket.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  }
}

/** Polls until `pid` is gone; resolves false if it still runs after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Collects log lines instead of printing them. */
export function logCollector(): { lines: string[]; onLog: (line: string) => void } {
  const lines: string[] = [];
  return { lines, onLog: (line) => void lines.push(line) };
}

/** A Blok Python project as Blok's released runtime lays it out (nodes/nodes.py, core imports). */
export const blokProject = join(repoRoot, "spec/runtimes/python/fixtures/blok_project");

/**
 * Strings that run code wherever text is evaluated: `${...}` and `js/...` as Blok's mappers read
 * them, and a bare Python expression. Each would create `canary` (or end the process).
 */
export function hostileStrings(canary: string): string[] {
  const touch = `__import__('pathlib').Path(${JSON.stringify(canary)}).touch()`;
  const nodeTouch = `require('fs').writeFileSync(${JSON.stringify(canary)}, 'x')`;
  return [
    `\${${touch}}`,
    `js/${touch}`,
    touch,
    `js/${nodeTouch}`,
    `\${${nodeTouch}}`,
    `prefix \${${touch}} suffix`,
    `js/\${${touch}}`,
    "${__import__('os')._exit(3)}",
    "js/process.exit(4)",
    "${${nested}}",
    "{{7*7}}",
  ];
}
