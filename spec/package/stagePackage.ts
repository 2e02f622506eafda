import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What `npm pack` reads besides dist/ (package.json "files"), and what the build reads. */
const STAGED = ["package.json", "README.md", "config.json", "tsconfig.json", "tsup.config.ts", "bin", "python", "src"];

/**
 * Runs a command to completion; throws with its output when it fails. npm's own `npm_*`
 * variables (set when the suite runs under `npm test`) are dropped, so a nested npm reads the
 * temporary project's settings, not the checkout's.
 */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...clean, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** {@link run}, failing unless the command exits 0. */
export function runOk(command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const result = run(command, args, cwd, env);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Builds the package with its own tsup config in a copy of the checkout (the checkout's dist/ is
 * never written) and packs it with `npm pack`.
 *
 * @param root - the repository root.
 * @returns `stage`, the built copy (its node_modules links to the checkout's, every optional peer
 * included), and `tarball`, the packed file inside it; the caller removes `stage`.
 */
export function packPackage(root: string): { stage: string; tarball: string } {
  const stage = mkdtempSync(join(tmpdir(), "blok-pack-"));
  for (const entry of STAGED) cpSync(join(root, entry), join(stage, entry), { recursive: true, filter: (source) => !source.includes("__pycache__") });
  symlinkSync(join(root, "node_modules"), join(stage, "node_modules"), "dir");
  runOk(process.execPath, [join(root, "node_modules", "tsup", "dist", "cli-default.js"), "--silent"], stage);
  const [packed] = JSON.parse(runOk("npm", ["pack", "--json", "--ignore-scripts"], stage)) as { filename: string }[];
  return { stage, tarball: join(stage, packed!.filename) };
}

/**
 * Makes an empty app project in `dir` and installs `packages` into it as a user would.
 *
 * @returns how many packages its node_modules then holds (every package of the lockfile that
 * was installed; optional ones for other platforms are listed but not installed).
 */
export function installInto(dir: string, packages: readonly string[]): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
  runOk("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...packages], dir);
  return installedCount(dir);
}

/** Packages installed under `dir`/node_modules, from npm's lockfile. */
export function installedCount(dir: string): number {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { optional?: boolean }> };
  return Object.keys(lock.packages).filter((path) => path !== "" && existsIn(dir, path)).length;
}

function existsIn(dir: string, path: string): boolean {
  try {
    readFileSync(join(dir, path, "package.json"));
    return true;
  } catch {
    return false;
  }
}
