import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { failureOf, NODES, runWorkflowFile, thrownBy, workflow, WORKFLOWS } from "./support.js";

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("bad input through the runner: one clear message naming the file, field or node", () => {
  it("a missing workflow file names the file", async () => {
    const missing = path.join(WORKFLOWS, "does-not-exist.json");
    const error = await thrownBy(runWorkflowFile(missing, {}));
    expect(error.message).toMatch(new RegExp(`^Cannot load workflow ${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: cannot read the file \\(ENOENT`));
  });

  it("a malformed workflow names the file, line and column", async () => {
    const error = await thrownBy(runWorkflowFile(workflow("bad-malformed"), {}));
    expect(error.message).toBe(`Cannot load workflow ${workflow("bad-malformed")}: malformed JSON at line 5, column 3: unexpected "]"`);
  });

  it("an invalid container config names the step, every field, rule and value; nothing runs", async () => {
    const error = await failureOf(runWorkflowFile(workflow("bad-config"), {}));
    expect(error.message).toBe(
      `Invalid parallel-execution config of step 'fan': execution.max_concurrent must be at most 20 (received 50)`,
    );
    expect(error.context).toMatchObject({ code: 500, name: "fan" });
  });

  it("duplicate child names are reported once the bounds are right", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = JSON.parse(await readFile(workflow("bad-config"), "utf8"));
    doc.nodes.fan.inputs.execution.max_concurrent = 2;
    const env = (await import("../../src/composition/index.js")).createEnvironment({ nodesDir: NODES });
    const error = await failureOf(env.run(doc, {}));
    expect(error.message).toBe(`Invalid parallel-execution config of step 'fan': nodes[1].name must be unique among the children (it keys the child's config) (received "a")`);
  });

  it("an unknown module child names the child, the step and the node", async () => {
    const error = await failureOf(runWorkflowFile(workflow("bad-unknown-child"), {}));
    expect(error.message).toBe("Child 'ghost' of parallel-execution step 'fan' cannot be resolved: Node @acme/ghost not found");
    expect(error.context.json).toMatchObject({ node: "ghost" });
  });

  it("an unknown local child names the child and where it was looked for", async () => {
    const error = await failureOf(runWorkflowFile(workflow("bad-unknown-local"), {}));
    expect(error.message).toMatch(/^Child 'missing' of parallel-execution step 'fan' cannot be resolved: .*no-such-node/);
    expect(error.message).toContain(NODES);
  });

  it("an unknown child type is a config error naming the field and the accepted types", async () => {
    const error = await failureOf(runWorkflowFile(workflow("bad-child-type"), {}));
    expect(error.message).toBe(`Invalid parallel-execution config of step 'fan': nodes[1].type must be "module", "local" or "runtime.python3" (received "python")`);
  });

  it("a Python child without a Python runtime names the child and the missing type", async () => {
    const error = await failureOf(runWorkflowFile(workflow("bad-python-child"), {}));
    expect(error.message).toMatch(/^Child 'py' of parallel-execution step 'fan' cannot be resolved: Node type runtime\.python3 not found/);
  });

  it("an unknown step type names the type and the known ones", async () => {
    const error = await thrownBy(runWorkflowFile(workflow("bad-step-type"), {}));
    expect(error.message).toMatch(/^Step 'first' of workflow .*bad-step-type\.json cannot be resolved: Node type python not found \(known types: module, local\)$/);
  });
});
