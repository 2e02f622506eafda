import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, onlyDocument } from "../../cli/support.js";
import { hostileStrings, needsPython, python } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: CLI output checked field by field
type Any = any;

const PROJECT = "spec/runtimes/python/fixtures/blok_project";
const workflowFile = (name: string) => `spec/runtimes/python/fixtures/workflows/${name}.json`;
const env = { CONSOLE_LOG_ACTIVE: "false", ...(python ? { BLOK_PYTHON: python } : {}) };

// Each test is a CLI subprocess starting tsx and a Python runtime: generous on a loaded machine.
describe.skipIf(!python)(`blok-parallel run --python-nodes <Blok project>${needsPython}`, { timeout: 120_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "blok-python-cli-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("serves nodes/nodes.py as is beside file nodes; hostile request strings arrive verbatim and never run", async () => {
    const canary = join(scratch, "canary");
    const hostile = hostileStrings(canary);
    const body = { who: "ada", text: hostile[1], list: hostile };
    const run = await cli(["run", workflowFile("blok-python"), "--python-nodes", PROJECT, "--body", JSON.stringify(body)], env);
    expect(run.code, run.stderr).toBe(0);
    const [hello, echo, plain] = (onlyDocument(run.stdout) as Any).results;
    expect(hello).toMatchObject({ greeting: "Hello, Ada", workflow_name: "blok-python", node: "greet" });
    expect(echo.inputs).toEqual({ text: hostile[1], list: hostile });
    expect(echo.body).toEqual(body);
    expect(plain).toEqual({ plain: { n: 1 } });
    expect(existsSync(canary)).toBe(false);
  });

  it("fail-fast on a child's setError(422): exit 1, the error document carries code 422 and the child's message", async () => {
    const run = await cli(["run", workflowFile("blok-python-reject"), "--python-nodes", PROJECT, "--body", '{"field":"email"}'], env);
    expect(run.code).toBe(1);
    const { error } = onlyDocument(run.stdout) as Any;
    expect(error.code).toBe(422);
    expect(error.message).toContain("email is not acceptable");
    expect(error.json).toMatchObject({ reason: "child_failed", node: "check" });
    // The 3 s sibling was cancelled, not awaited.
    expect(error.json.errors.find((entry: Any) => entry.node === "slow").status).toBe("cancelled");
  });

  it("a Python step's setError(422) + setJson is the workflow's error: message, code and json as a TS GlobalError's", async () => {
    const run = await cli(["run", workflowFile("blok-python-reject-step"), "--python-nodes", PROJECT, "--body", '{"field":"age"}'], env);
    expect(run.code).toBe(1);
    expect(onlyDocument(run.stdout)).toEqual({ error: { message: "age is not acceptable", code: 422, json: { field: "age", reason: "rejected by policy" } } });
  });
});
