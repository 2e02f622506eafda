/**
 * A source folder as of another git revision, for suites that measure the current code against a
 * baseline in the same run (bench/mapping, bench/core --baseline). Shared by the bench suites.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";

/** The short commit hash `rev` names (a tag, branch or hash); throws if git does not know it. */
export function commitOf(rev: string, cwd = process.cwd()): string {
  return execFileSync("git", ["rev-parse", "--short", `${rev}^{commit}`], { cwd, encoding: "utf8" }).trim();
}

/**
 * Writes `folder` (e.g. `src/core`) as of `rev` into `dir`, emptied first, keeping its path below
 * `dir`. Inside the repository, the copy resolves this checkout's node_modules and its
 * `"type": "module"`.
 */
export function extractRevision(rev: string, folder: string, dir: string, cwd = process.cwd()): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync("git", ["archive", rev, folder], { cwd, maxBuffer: 64 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
}
