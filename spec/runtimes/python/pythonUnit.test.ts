import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needsPython, python, repoRoot } from "./helpers.js";

describe.skipIf(!python)(`blok_runtime Python unit tests (spec/runtimes/python/py)${needsPython}`, () => {
  it("python -m unittest passes: wire codec matches protobuf, envelope, loader, Blok compat core and registry, context, nothing evaluated", () => {
    const run = spawnSync(python!, ["-m", "unittest", "discover", "-s", join(repoRoot, "spec/runtimes/python/py"), "-v"], {
      cwd: repoRoot,
      env: { ...process.env, PYTHONPATH: join(repoRoot, "python"), PYTHONDONTWRITEBYTECODE: "1" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    // Every test ran: a skipped protobuf comparison would hide codec drift.
    expect(run.stderr).not.toMatch(/\.\.\. skipped/);
  });
});
