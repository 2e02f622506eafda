/**
 * Builds the case scripts the way the package ships its code (tsup, ESM, target node20, no
 * `keepNames`), with this checkout's src/ bundled in and the package's dependencies left external,
 * into node_modules/.cache/bench-container. Each case process is then a plain `node --expose-gc`.
 *
 * Why not run the cases through tsx: tsx transforms with esbuild's `keepNames`, which wraps every
 * closure the container creates per child (the copy-on-write handler's traps, the executor's
 * callbacks) in an `Object.defineProperty` call: a cost the published build does not have.
 *
 * To measure a proposed change, copy the checkout (src/ and bench/), patch the copy, and run the
 * copy's run.ts: the cache directory is keyed by the checkout's path.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, "../..");

export const CASES = ["overhead", "mapmode", "nesting"] as const;
export type CaseName = (typeof CASES)[number];

/** @returns the absolute path of each built case script. */
export async function buildCases(): Promise<Record<CaseName, string>> {
  const tag = createHash("sha1").update(repoRoot).digest("hex").slice(0, 10);
  const outDir = path.join(repoRoot, "node_modules/.cache/bench-container", tag);
  await build({
    config: false,
    entry: Object.fromEntries(CASES.map((name) => [name, path.join(benchDir, `${name}.ts`)])),
    outDir,
    clean: true,
    format: ["esm"],
    outExtension: () => ({ js: ".mjs" }),
    dts: false,
    sourcemap: false,
    target: "node20",
    platform: "node",
    silent: true,
    // The package's dependencies (rxjs, zod, jsonschema, yaml, ...) are resolved from node_modules at run time.
    external: [/^[^./]/],
  });
  return Object.fromEntries(CASES.map((name) => [name, path.join(outDir, `${name}.mjs`)])) as Record<CaseName, string>;
}
