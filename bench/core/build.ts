/**
 * Builds the executor the way the package ships it (tsup, ESM, target node20, the settings of
 * tsup.config.ts) into node_modules/.cache, so the benchmark measures the published code; and
 * builds the scenario scripts next to it, so each case process is a plain `node` (no tsx loader
 * to start, which also keeps --quick fast; and interleaved.ts's worker threads load the same file).
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

/** The scenario scripts, each run as `node <script> <json args>`. */
const SCRIPTS = ["interleaved", "isolated", "sleep"] as const;
export type Built = { readonly core: string } & Readonly<Record<(typeof SCRIPTS)[number], string>>;

/**
 * @param entry - the executor's entry (default: this repo's src/core/index.ts; pass a patched
 *   copy's to measure a proposed change).
 * @returns absolute paths of the built executor and scenario scripts.
 */
export async function buildBench(entry = path.join(repoRoot, "src/core/index.ts")): Promise<Built> {
  const absolute = path.resolve(entry);
  const tag = createHash("sha1").update(absolute).digest("hex").slice(0, 10);
  const outDir = path.join(repoRoot, "node_modules/.cache/bench-core", tag);
  const benchDir = path.join(repoRoot, "bench/core");
  // The executor alone, its dependencies resolved at run time from this repo's node_modules.
  await build({ ...common, entry: { core: absolute }, outDir, clean: true, external: ["rxjs", "zod"] });
  await build({
    ...common,
    entry: Object.fromEntries(SCRIPTS.map((name) => [name, path.join(benchDir, `${name}.ts`)])),
    outDir,
    clean: false,
    external: ["rxjs", "p-map"],
  });
  const out = (name: string) => path.join(outDir, `${name}.mjs`);
  return { core: out("core"), ...(Object.fromEntries(SCRIPTS.map((name) => [name, out(name)])) as Record<(typeof SCRIPTS)[number], string>) };
}
