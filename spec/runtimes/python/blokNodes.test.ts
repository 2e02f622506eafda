import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DefaultLogger, GlobalError } from "../../../src/blok/index.js";
import { type BlokEnvironment, createEnvironment, pythonPlugin } from "../../../src/composition/index.js";
import type { Workflow } from "../../../src/runner/index.js";
import { blokProject, exampleNodes, hostileStrings, needsPython, python } from "./helpers.js";

// Any shape: workflow documents and node outputs are checked field by field.
// biome-ignore lint/suspicious/noExplicitAny: test data
type Any = any;

const BLOK_ATTRIBUTES = ["id", "workflow_name", "workflow_path", "request", "response", "error", "logger", "config", "func", "vars", "env", "eventLogger", "_PRIVATE_"];
const quiet = { logger: new DefaultLogger({ write: () => undefined }), env: { CONSOLE_LOG_ACTIVE: "false" } };

function workflow(steps: Any[], nodes: Record<string, Any>): Workflow {
  return { name: "blok-python", version: "1.0.0", trigger: { http: { method: "POST", path: "/" } }, steps, nodes } as Workflow;
}

const python3 = (name: string, node: string) => ({ name, node, type: "runtime.python3" });

// The first test of each suite also starts the Python runtime: generous on a loaded machine.
describe.skipIf(!python)(`Blok's released Python nodes on the bundled runtime (nodes/nodes.py + core)${needsPython}`, { timeout: 60_000 }, () => {
  let env: BlokEnvironment;
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "blok-python-compat-"));
    env = createEnvironment({ plugins: [pythonPlugin({ nodesDir: blokProject, ...(python ? { python } : {}) })] });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("runs a NanoService from the registry: schema-checked inputs, ctx with every Blok attribute, a plain object", async () => {
    const run = await env.run(workflow([python3("hello", "greet")], { hello: { inputs: { name: "js/ctx.request.body.who" } } }), {
      ...quiet,
      body: { who: "ada" },
      id: "req-42",
    });
    const data = run.response.data as Any;
    expect(data.greeting).toBe("Hello, Ada");
    expect([data.id, data.workflow_name, data.node]).toEqual(["req-42", "blok-python", "greet"]);
    expect(data.attributes).toEqual(expect.arrayContaining(BLOK_ATTRIBUTES));
    expect(data.logs).toEqual(["greeting ada"]);
  });

  it("a schema violation fails the step before handle runs, naming the field", async () => {
    const error = (await env.run(workflow([python3("hello", "greet")], { hello: { inputs: { name: 3 } } }), quiet).catch((e: unknown) => e)) as GlobalError;
    expect(error).toBeInstanceOf(GlobalError);
    expect(error.message).toContain("raised ValidationError: inputs of node 'greet' do not match its input_schema: name: 3 is not of type 'string'");
    expect(error.context.code).toBe(500);
  });

  it("setError(GlobalError) with code 422 fails the step with that message, code and setJson payload", async () => {
    const error = (await env.run(workflow([python3("check", "reject")], { check: { inputs: { field: "age" } } }), quiet).catch((e: unknown) => e)) as GlobalError;
    expect(error).toBeInstanceOf(GlobalError);
    expect(error.message).toBe("age is not acceptable");
    expect(error.context).toMatchObject({ code: 422, json: { field: "age", reason: "rejected by policy" }, name: "check" });
  });

  it("in a fail-fast container the 422 child failure stops the run with code 422, its payload on the cause", async () => {
    const doc = workflow([{ name: "fan", node: "parallel-execution", type: "module" }], {
      fan: { inputs: { execution: { error_handling: "fail-fast" }, nodes: [python3("slow", "greet"), python3("check", "reject")] } },
      slow: { inputs: { name: "bob", delay_ms: 2000 } },
      check: { inputs: { field: "email" } },
    });
    const error = (await env.run(doc, quiet).catch((e: unknown) => e)) as GlobalError;
    expect(error).toBeInstanceOf(GlobalError);
    expect(error.context.code).toBe(422);
    expect(error.message).toContain("email is not acceptable");
    const json = error.context.json as Any;
    expect(json).toMatchObject({ reason: "child_failed", node: "check" });
    const child = (error.cause as Any).cause as GlobalError;
    expect(child.context).toMatchObject({ code: 422, json: { field: "email", reason: "rejected by policy" } });
  });

  it("never evaluates hostile strings from the request: they reach the Python node verbatim and no canary fires", async () => {
    const canary = join(scratch, "canary");
    const hostile = hostileStrings(canary);
    const body = { text: hostile[0], list: hostile, nested: { deep: hostile } };
    const run = await env.run(
      workflow([python3("echo", "blok-echo")], { echo: { inputs: { text: "js/ctx.request.body.text", list: "js/ctx.request.body.list", literal: "${ctx.request.body.text}" } } }),
      { ...quiet, body },
    );
    const data = run.response.data as Any;
    expect(data.inputs.text).toBe(hostile[0]);
    expect(data.inputs.list).toEqual(hostile);
    expect(data.body).toEqual(body);
    expect(existsSync(canary)).toBe(false);
  });

  it("property: any string, bare or wrapped as ${...} / js/..., reaches a Blok NanoService verbatim", async () => {
    const canary = join(scratch, "canary-property");
    const doc = workflow([python3("echo", "blok-echo")], { echo: { inputs: { text: "js/ctx.request.body.text" } } });
    const text = fc.oneof(
      fc.string({ unit: "grapheme" }),
      fc.string().map((s) => `\${${s}}`),
      fc.string().map((s) => `js/${s}`),
      fc.constantFrom(...hostileStrings(canary)),
    );
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        const data = (await env.run(doc, { ...quiet, body: { text: value } })).response.data as Any;
        expect(data.inputs).toEqual({ text: value });
        expect(data.body).toEqual({ text: value });
      }),
      { numRuns: 60 },
    );
    expect(existsSync(canary)).toBe(false);
  });
});

describe.skipIf(!python)(`the Blok-style example (examples/mixed/python-nodes/nodes/nodes.py)${needsPython}`, { timeout: 60_000 }, () => {
  it("runs keywords (registry NanoService) beside text_stats (file node), and its 422 fails the container with 422", async () => {
    const env = createEnvironment({ plugins: [pythonPlugin({ nodesDir: exampleNodes, ...(python ? { python } : {}) })] });
    const file = join(exampleNodes, "keywords-workflow.json");
    try {
      const run = await env.run(file, { ...quiet, body: { text: "Parallel children run in parallel; Python children too. Children!" }, id: "r-7" });
      const [keywords, stats] = (run.response.data as Any).results;
      expect(keywords).toEqual({ keywords: [{ word: "children", count: 3 }, { word: "parallel", count: 2 }, { word: "python", count: 1 }], request_id: "r-7" });
      expect(stats.words).toBe(9);
      const error = (await env.run(file, { ...quiet, body: { text: "a b c" } }).catch((e: unknown) => e)) as GlobalError;
      expect(error.context.code).toBe(422);
      expect(((error.cause as Any).cause as GlobalError).context.json).toEqual({ field: "text", min_length: 4 });
    } finally {
      await env.close();
    }
  });
});
