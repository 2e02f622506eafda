import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PUBLIC_ENTRIES } from "../../../tsup.config.js";

/** The package's public entry points, as tsup builds them (one list: tsup.config.ts). */
export const ENTRIES = PUBLIC_ENTRIES;

export type EntryName = keyof typeof ENTRIES;

/**
 * Builds the package with tsup (ESM + .d.ts) into a fresh temporary directory laid out as an
 * installed dependency: `<dir>/node_modules/@blok-ts/parallel-execution/{package.json, dist/}`,
 * next to links to every other package of the checkout's node_modules. Code written under `<dir>`
 * then imports the package by its published name and subpaths, through its `exports` map, as a
 * user would; the checkout's own `dist/` is never read or written.
 *
 * @param root - the repository root.
 * @returns the directory (the caller removes it).
 */
export async function buildPackage(root: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "blok-docs-"));
  const modules = join(dir, "node_modules");
  const installed = join(modules, "@blok-ts", "parallel-execution");
  mkdirSync(installed, { recursive: true });
  const { build } = await import("tsup");
  await build({
    config: false,
    entry: Object.fromEntries(Object.values(ENTRIES).map(({ source, out }) => [out, join(root, source)])),
    format: ["esm"],
    dts: true,
    outDir: join(installed, "dist"),
    target: "node20",
    shims: true,
    silent: true,
    tsconfig: join(root, "tsconfig.json"),
  });
  cpSync(join(root, "package.json"), join(installed, "package.json"));
  cpSync(join(root, "config.json"), join(installed, "config.json"));
  linkDependencies(join(root, "node_modules"), modules);
  return dir;
}

function linkDependencies(from: string, to: string): void {
  for (const entry of readdirSync(from)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      mkdirSync(join(to, entry), { recursive: true });
      for (const scoped of readdirSync(join(from, entry))) {
        if (entry === "@blok-ts" && scoped === "parallel-execution") continue;
        symlinkSync(join(from, entry, scoped), join(to, entry, scoped), "dir");
      }
    } else {
      symlinkSync(join(from, entry), join(to, entry), "dir");
    }
  }
}
