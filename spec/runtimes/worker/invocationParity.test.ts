import { afterAll, describe, expect, it } from "vitest";
import { createContext, GlobalError, runSteps } from "../../../src/blok/index.js";
import { NodeRegistry } from "../../../src/runtimes/module/NodeRegistry.js";
import { resolveStep } from "../../../src/runtimes/resolveStep.js";
import { WorkerNodeError, WorkerPool } from "../../../src/runtimes/worker/index.js";
import { fixture } from "./fixture.js";

// One child-invocation contract (docs/worker-isolation.md, "One contract, inline and in a
// thread"): every node shape, returning every kind of result, is run inline (resolved as a
// `local` step and run by the Runner, as the container runs a child) and in a worker thread
// (WorkerPool.run, as a worker child runs), and both must end the same way.

const NODES = fixture("parity");

/** How one call ended, in terms both paths share: the output data, or the error's message and code. */
type Outcome = { readonly data: unknown } | { readonly failed: string; readonly code?: string | number };

async function inline(node: string, inputs: unknown): Promise<Outcome> {
  try {
    const resolved = await resolveStep({ name: node, node, type: "local" }, { registry: new NodeRegistry(), nodesDir: NODES });
    const ctx = createContext({ config: { [node]: { inputs } } });
    return { data: (await runSteps(ctx, [resolved])).response.data };
  } catch (error) {
    const code = error instanceof GlobalError ? error.context.code : undefined;
    return { failed: (error as Error).message, ...(code === undefined ? {} : { code }) };
  }
}

const pool = new WorkerPool({ maxThreads: 1 });
afterAll(() => pool.destroy());

async function inThread(node: string, file: string, inputs: unknown): Promise<Outcome> {
  try {
    return { data: (await pool.run({ modulePath: `${NODES}/${file}`, name: node, ctx: {}, inputs })).data };
  } catch (error) {
    if (!(error instanceof WorkerNodeError)) throw error;
    return { failed: error.cause.message, ...(error.code === undefined ? {} : { code: error.code }) };
  }
}

/** Each result shape (`results.mjs`) and the outcome the parity rule gives it. */
const RESULTS: ReadonlyArray<readonly [shape: string, expected: Outcome]> = [
  ["plain-object", { data: { rows: [1, 2] } }],
  ["string", { data: "text" }],
  ["undefined", { data: undefined }],
  ["success-data", { data: { kept: 1 } }],
  // Blok's released runner fails a step only on a truthy `error`; `success` decides nothing.
  ["failure-data", { data: { kept: 2 } }],
  ["success-error", { failed: "half done", code: 409 }],
  ["failure-error", { failed: "gone", code: 410 }],
  ["response-success", { data: { fromResponse: true } }],
  ["response-error", { failed: "teapot", code: 418 }],
  ["throws", { failed: "boom" }],
  ["throws-global", { failed: "conflict", code: 422 }],
];

/** Node shapes that are nodes: [step/node name, file in fixtures/parity, whether it has a `name` field]. */
const NODE_SHAPES = [
  ["handler-class", "handler-class.mjs", "handler-class"],
  ["handler-object", "handler-object.mjs", undefined],
  ["handle-export", "handle-export.mjs", undefined],
  ["commonjs-class", "commonjs-class/index.cjs", "commonjs-class"],
  ["compiled-commonjs", "compiled-commonjs/index.cjs", "compiled-commonjs"],
] as const;

const rows: Array<[node: string, file: string, shape: string, inputs: unknown, expected: Outcome]> = [
  ...NODE_SHAPES.flatMap(([node, file, name]) => [
    ...RESULTS.map(([shape, expected]) => [node, file, shape, { shape }, expected] as [string, string, string, unknown, Outcome]),
    // A class instance made for the call gets the step's name, as Blok sets it on the instance.
    [node, file, "name", { shape: "name" }, { data: { name } }] as [string, string, string, unknown, Outcome],
  ]),
  // A NodeBlok subclass returns a response object (Blok's contract); its input schema is checked.
  ...RESULTS.filter(([shape]) => !["plain-object", "string", "undefined"].includes(shape)).map(
    ([shape, expected]) => ["nodeblok-class", "nodeblok-class.ts", shape, { shape }, expected] as [string, string, string, unknown, Outcome],
  ),
  ["nodeblok-class", "nodeblok-class.ts", "inputs failing inputSchema", { shape: 7 }, { failed: "instance.shape is not of a type(s) string" }],
];

describe("one child-invocation contract: every node shape and result, inline and in a worker thread", () => {
  it.each(rows.map(([node, file, shape, inputs, expected]) => [node, shape, file, inputs, expected] as const))("%s returning %s", async (node, _shape, file, inputs, expected) => {
    const [here, there] = [await inline(node, inputs), await inThread(node, file, inputs)];
    expect(here).toEqual(expected);
    expect(there).toEqual(expected);
  });

  it.each([
    ["plain-function", "plain-function.mjs", /^Local node 'plain-function' \(.*plain-function\.mjs\) is not a node: .*\(got function handle without handle\)$/],
    ["no-node", "no-node.mjs", /^Local node 'no-node' \(.*no-node\.mjs\) is not a node: .*\(got undefined\)$/],
  ])("%s is refused by both paths with the same error", async (node, file, message) => {
    const [here, there] = [await inline(node, { shape: "string" }), await inThread(node, file, { shape: "string" })];
    expect(here).toEqual({ failed: expect.stringMatching(message) });
    expect(there).toEqual(here);
  });
});
