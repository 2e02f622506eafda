/**
 * Builds the executor the way the package ships it (tsup, ESM, target node20, the settings of
 * tsup.config.ts) into node_modules/.cache, so the benchmark measures the published code; and
 * builds the scenario scripts next to it, so each case process is a plain `node` (no tsx loader
 * to start, which also keeps --quick fast).
 *
 * Why not import src/ through tsx: tsx transforms with esbuild's `keepNames`, which wraps every
 * function the executor creates per child in an `Object.defineProperty` call. p-map and rxjs come
 * precompiled from node_modules and would not pay that tax, so the comparison would be unfair.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const common = {
  config: false,
  format: ["esm"] as "esm"[],
  outExtension: () => ({ js: ".mjs" }),
  dts: false,
  sourcemap: false,
  target: "node20",
  platform: "node" as const,
  silent: true,
};

/**
 * @param entry - the executor's entry (default: this repo's src/core/index.ts; pass a patched
 *   copy's to measure a proposed change).
 * @returns absolute paths of the built executor and scenario scripts.
 */
export async function buildBench(entry = path.join(repoRoot, "src/core/index.ts")): Promise<{ core: string; trivial: string; sleep: string }> {
  const absolute = path.resolve(entry);
  const tag = createHash("sha1").update(absolute).digest("hex").slice(0, 10);
  const outDir = path.join(repoRoot, "node_modules/.cache/bench-core", tag);
  const benchDir = path.join(repoRoot, "bench/core");
  // The executor alone, its dependencies resolved at run time from this repo's node_modules.
  await build({ ...common, entry: { core: absolute }, outDir, clean: true, external: ["rxjs", "zod"] });
  await build({
    ...common,
    entry: { trivial: path.join(benchDir, "trivial.ts"), sleep: path.join(benchDir, "sleep.ts") },
    outDir,
    clean: false,
    external: ["rxjs", "p-map"],
  });
  return { core: path.join(outDir, "core.mjs"), trivial: path.join(outDir, "trivial.mjs"), sleep: path.join(outDir, "sleep.mjs") };
}
