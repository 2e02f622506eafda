import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidWorkflowError, loadWorkflow, validateWorkflow, WorkflowLoadError } from "../../src/runner/index.js";

const WORKFLOWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/blok/workflows");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "blok-workflows-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, content);
  return target;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: Error) => error,
  );
}

describe("loadWorkflow()", () => {
  it("reads JSON and YAML into the same workflow", async () => {
    const json = await loadWorkflow(path.join(WORKFLOWS, "three-steps.json"));
    const yaml = await loadWorkflow(path.join(WORKFLOWS, "three-steps.yaml"));
    expect(json.steps.map((step) => step.name)).toEqual(["prepare", "route", "report"]);
    expect(yaml.steps).toEqual(json.steps);
    expect(yaml.nodes).toEqual(json.nodes);
  });

  it("accepts the .yml extension", async () => {
    const target = await file("short.yml", "steps:\n  - { name: a, node: n, type: module }\n");
    expect((await loadWorkflow(target)).steps).toEqual([{ name: "a", node: "n", type: "module" }]);
  });

  it("names an unreadable file", async () => {
    const missing = path.join(dir, "missing.json");
    const failure = await failureOf(loadWorkflow(missing));
    expect(failure).toBeInstanceOf(WorkflowLoadError);
    expect(failure.name).toBe("WorkflowLoadError");
    expect(failure.message).toMatch(new RegExp(`^Cannot load workflow ${missing}: cannot read the file \\(ENOENT`));
  });

  it("refuses other extensions", async () => {
    const target = await file("flow.xml", "<steps/>");
    await expect(loadWorkflow(target)).rejects.toThrow(`Cannot load workflow ${target}: unsupported file type '.xml': use .json, .yaml or .yml`);
  });

  it("points at the line and column of malformed JSON", async () => {
    const target = await file("bad.json", '{\n  "steps": [\n    { "name": "a", }\n  ]\n}\n');
    await expect(loadWorkflow(target)).rejects.toThrow(`Cannot load workflow ${target}: malformed JSON at line 3, column 20: unexpected "}"`);
  });

  it("says when JSON ends too early", async () => {
    const target = await file("cut.json", '{ "steps": [');
    await expect(loadWorkflow(target)).rejects.toThrow(`malformed JSON at line 1, column 13: unexpected end of input`);
  });

  it("reports malformed YAML with the parser's position, on one line", async () => {
    const target = await file("bad.yaml", "steps:\n  - name: a\n   node: b\n");
    const failure = await failureOf(loadWorkflow(target));
    expect(failure).toBeInstanceOf(WorkflowLoadError);
    expect(failure.message).toMatch(new RegExp(`^Cannot load workflow ${target}: malformed YAML: .* at line 3, column \\d+$`));
  });

  it("requires at least one step", async () => {
    for (const content of ['{"name": "x"}', '{"steps": []}']) {
      const target = await file("empty.json", content);
      await expect(loadWorkflow(target)).rejects.toThrow(new InvalidWorkflowError(target, "", "Workflow must have at least one step"));
    }
  });

  it("names 'steps' when it is there but not a list (not 'must have at least one step')", async () => {
    const cases: [string, string][] = [
      ['{"steps": {}}', "steps must be an array of steps, got an object"],
      ['{"steps": "a"}', 'steps must be an array of steps, got string "a"'],
      ['{"steps": null}', "steps must be an array of steps, got null"],
    ];
    for (const [content, problem] of cases) {
      const target = await file("not-a-list.json", content);
      await expect(loadWorkflow(target)).rejects.toThrow(`Invalid workflow ${target}: ${problem}`);
    }
  });

  it("rejects a document that is not an object", async () => {
    const target = await file("list.yaml", "- a\n- b\n");
    await expect(loadWorkflow(target)).rejects.toThrow(`Invalid workflow ${target}: the document must be an object, got object`);
    const empty = await file("blank.yaml", "");
    await expect(loadWorkflow(empty)).rejects.toThrow(`Invalid workflow ${empty}: the document must be an object, got null`);
  });
});

describe("validateWorkflow()", () => {
  const step = { name: "a", node: "n", type: "module" };
  const cases: Array<[string, unknown, string]> = [
    ["a step missing node", { steps: [step, { name: "b", type: "module" }] }, "steps[1] is missing 'node'"],
    ["a step missing name", { steps: [{ node: "n", type: "local" }] }, "steps[0] is missing 'name'"],
    ["a step with an empty type", { steps: [{ ...step, type: "" }] }, "steps[0].type must be a non-empty string"],
    ["a step that is not an object", { steps: ["a"] }, "steps[0] must be an object with name, node and type"],
    ["a non-boolean flag", { steps: [{ ...step, set_var: "yes" }] }, "steps[0].set_var must be true or false"],
    ["nodes that are not an object", { steps: [step], nodes: [] }, "nodes must be an object keyed by step name"],
    ["a node config that is not an object", { steps: [step], nodes: { a: "x" } }, "nodes.a must be an object (use {} for a step without inputs)"],
    ["a nested step missing type", { steps: [step], nodes: { a: { steps: [{ name: "c", node: "n" }] } } }, "nodes.a.steps[0] is missing 'type'"],
    [
      "a condition without steps",
      { steps: [step], nodes: { a: { conditions: [{ type: "if", steps: [] }, { type: "else" }] } } },
      "nodes.a.conditions[1] must be an object with a 'steps' array",
    ],
    [
      "a bad step inside a condition",
      { steps: [step], nodes: { a: { conditions: [{ type: "if", steps: [{ name: "x", node: 1, type: "local" }] }] } } },
      "nodes.a.conditions[0].steps[0].node must be a non-empty string",
    ],
    [
      "a bad step inside try/catch",
      { steps: [step], nodes: { a: { try: { steps: [step] }, catch: { steps: [{}] } } } },
      "nodes.a.catch.steps[0] is missing 'name'",
    ],
  ];

  for (const [label, workflow, problem] of cases) {
    it(`names ${label}`, () => {
      expect(() => validateWorkflow(workflow, "wf.json")).toThrow(`Invalid workflow wf.json: ${problem}`);
    });
  }

  it("returns a valid workflow, extra keys included", () => {
    const workflow = { name: "ok", metadata: { owner: "me" }, steps: [step], nodes: { a: { inputs: {} } } };
    expect(validateWorkflow(workflow, "wf.json")).toBe(workflow);
  });
});
