import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Files of the package that the Python runtime needs at run time. */
export interface PythonRuntimeAssets {
  /** `<package>/python`: goes on `PYTHONPATH` so `python -m blok_runtime` works. */
  readonly pythonDir: string;
  /** `<package>/python/proto/node.proto`: the protocol, shared by client and server. */
  readonly protoPath: string;
}

let cached: PythonRuntimeAssets | undefined;

/**
 * Locates the package's `python/` folder by walking up from this module until a directory holds
 * `python/proto/node.proto`. The walk makes the same code work from `src/runtimes/python/` (tests,
 * tsx) and from the flat `dist/` that tsup emits, in the repository or under `node_modules`.
 *
 * @returns absolute paths of the Python package folder and the proto file.
 * @throws Error when no ancestor directory contains `python/proto/node.proto`.
 */
export function locatePythonRuntimeAssets(): PythonRuntimeAssets {
  if (cached) return cached;
  const start = moduleDirectory();
  for (let dir = start; ; dir = dirname(dir)) {
    const protoPath = join(dir, "python", "proto", "node.proto");
    if (existsSync(protoPath)) {
      cached = { pythonDir: join(dir, "python"), protoPath };
      return cached;
    }
    if (dirname(dir) === dir) {
      throw new Error(`Cannot find python/proto/node.proto in ${start} or any parent directory`);
    }
  }
}

function moduleDirectory(): string {
  // The CommonJS build has __dirname and no import.meta; the ESM build the other way round.
  return typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
}
