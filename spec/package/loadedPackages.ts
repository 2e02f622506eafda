import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./stagePackage.js";

const RECORDER = fileURLToPath(new URL("./fixtures/record-loads.mjs", import.meta.url));

/** The package a loaded file belongs to: the path segment(s) after its last `node_modules/`. */
export function packageOfFile(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(url);
  return match?.[1];
}

/**
 * Runs `code` in a new Node process (ESM with `.mjs`-style `import`, or CommonJS) under the
 * load recorder, in `cwd`, and returns the packages whose files it loaded.
 *
 * @throws when the code fails.
 */
export function packagesLoadedBy(code: string, format: "esm" | "cjs", cwd: string): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), "blok-loads-"));
  const out = join(dir, "loaded.txt");
  try {
    const args = ["--import", RECORDER, ...(format === "esm" ? ["--input-type=module"] : []), "-e", code];
    const result = run(process.execPath, args, cwd, { BLOK_LOADED_FILE: out });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
    const files = readFileSync(out, "utf8").split("\n").filter(Boolean);
    return new Set(files.map(packageOfFile).filter((name): name is string => name !== undefined));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
