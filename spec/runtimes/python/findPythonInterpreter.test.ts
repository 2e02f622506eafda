import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPythonInterpreter, PythonInterpreterNotFoundError } from "../../../src/runtimes/python/index.js";
import { needsPython, python } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "blok-python-find-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fake interpreter: a shell script standing in for `python -c <probe>`. */
function fakePython(name: string, script: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("findPythonInterpreter()", () => {
  it("lists every candidate with its reason and the package to install when none works", async () => {
    const noGrpc = fakePython("no-grpc", "echo \"ModuleNotFoundError: No module named 'grpc'\" >&2; exit 1");
    const old = fakePython("old", 'echo /opt/py38/bin/python; echo "3.8"');
    const error = (await findPythonInterpreter({ env: {}, candidates: [join(scratch, "absent"), noGrpc, old] }).catch((e: unknown) => e)) as PythonInterpreterNotFoundError;
    expect(error).toBeInstanceOf(PythonInterpreterNotFoundError);
    expect(error.tried).toEqual([
      { candidate: join(scratch, "absent"), reason: "not found" },
      { candidate: noGrpc, reason: "ModuleNotFoundError: No module named 'grpc'" },
      { candidate: old, reason: "Python 3.8 is older than 3.9" },
    ]);
    expect(error.message).toContain("apt-get install python3-grpcio");
    expect(error.message).toContain("BLOK_PYTHON");
  });

  it("returns the first working candidate's sys.executable and caches it per candidate list", async () => {
    const good = fakePython("good", 'echo "$0-resolved"; echo "3.11"');
    const first = await findPythonInterpreter({ env: {}, candidates: [join(scratch, "absent"), good] });
    expect(first).toBe(`${good}-resolved`);
    rmSync(good);
    // Cached: the (now deleted) script is not probed again...
    expect(await findPythonInterpreter({ env: {}, candidates: [join(scratch, "absent"), good] })).toBe(first);
    // ...unless asked to.
    await expect(findPythonInterpreter({ env: {}, candidates: [join(scratch, "absent"), good], refresh: true })).rejects.toBeInstanceOf(
      PythonInterpreterNotFoundError,
    );
  });

  it("lets BLOK_PYTHON win, and never falls back when it does not work", async () => {
    const chosen = fakePython("chosen", 'echo /chosen/python; echo "3.12"');
    expect(await findPythonInterpreter({ env: { BLOK_PYTHON: chosen }, candidates: ["/nope"] })).toBe("/chosen/python");
    const broken = fakePython("broken", "echo 'ImportError: grpc is broken' >&2; exit 1");
    const error = (await findPythonInterpreter({ env: { BLOK_PYTHON: broken } }).catch((e: unknown) => e)) as PythonInterpreterNotFoundError;
    expect(error.tried).toEqual([{ candidate: `BLOK_PYTHON=${broken}`, reason: "ImportError: grpc is broken" }]);
  });
});

describe.skipIf(!python)(`findPythonInterpreter() on this machine${needsPython}`, () => {
  it("finds an interpreter that really imports grpc", () => {
    expect(python).toMatch(/python/);
  });
});
