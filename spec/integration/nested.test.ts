import { beforeAll, describe, expect, it } from "vitest";
import { createEnvironment } from "../../src/composition/index.js";
import { failureOf, NODES, runWorkflowFile, workflow } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: workflow outputs are checked field by field
type Any = any;

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

describe("children that are containers themselves, or flow nodes", () => {
  it.each([
    [true, "yes"],
    [false, "no"],
  ])("runs a nested container and an if-else child (flag %s takes the '%s' branch)", async (flag, branch) => {
    const { ctx, response } = await runWorkflowFile(workflow("nested"), { user: "ada", flag });
    const [inner, chosen, plain] = (response.data as Any).results;
    expect(inner.results).toEqual([{ inputs: { from: "i1", user: "ada" } }, { inputs: { from: "i2" } }]);
    expect(inner.execution_info).toMatchObject({ total: 2, completed: 2, concurrent_peak: 2 });
    expect(chosen).toEqual({ inputs: { branch } });
    expect(plain).toEqual({ inputs: { from: "plain" } });
    // The inner container stored its output in its own child context only.
    expect(ctx.vars ?? {}).not.toHaveProperty("inner");
    expect(() => structuredClone(response.data)).not.toThrow();
  });

  it("a nested container's children see what their parent child wrote before it, before and after their own writes", async () => {
    const { response } = await runWorkflowFile(workflow("nested-write"), {});
    const [inner, sibling] = (response.data as Any).results;
    const written = { before: "written by the branch", after: "written by the branch", viaDescriptor: "written by the branch" };
    expect(inner.results).toEqual([written, written]);
    // The outer sibling saw none of the branch's writes.
    expect(sibling).toEqual({ before: "original", after: "original", viaDescriptor: "original" });
  });
});

/**
 * A workflow whose container `level1` runs `level2` as its only map child, and so on down to
 * `level<depth>`, whose child reads `ctx.vars.data` (set by the first step) and sums it.
 */
function chain(depth: number, maxDepth: Record<number, number> = {}) {
  const level = (n: number) => `level${n}`;
  const nodes: Record<string, Any> = { seed: { inputs: { data: "js/Array.from({ length: 1000 }, (_, i) => i)" } }, leaf: {} };
  for (let n = 1; n <= depth; n++) {
    const child = n === depth ? { name: "leaf", node: "sum-data", type: "module" } : { name: level(n + 1), node: "parallel-execution", type: "module" };
    nodes[level(n)] = { ...(maxDepth[n] ? { execution: { max_depth: maxDepth[n] } } : {}), map: { items: [n], node: child } };
  }
  return {
    name: `chain-${depth}`,
    steps: [
      { name: "seed", node: "echo", type: "local", set_var: true },
      { name: level(1), node: "parallel-execution", type: "module" },
    ],
    nodes,
  };
}

async function runChain(doc: ReturnType<typeof chain>) {
  const env = createEnvironment({
    nodesDir: NODES,
    nodes: { "sum-data": { handle: (ctx: Any) => ctx.vars.seed.inputs.data.reduce((sum: number, value: number) => sum + value, 0) } },
  });
  try {
    return await env.run(doc, { body: {} });
  } finally {
    await env.close();
  }
}

/** The innermost result of a chain's output: each level wraps its child's output in `results`. */
function innermost(data: Any, depth: number): unknown {
  let output = data;
  for (let n = 0; n < depth; n++) output = output.results[0];
  return output;
}

describe("nesting limits: cycles and depth", () => {
  it("refuses a container that runs itself through another (A -> B -> A) at once, naming the cycle", async () => {
    const error = await failureOf(runWorkflowFile(workflow("nested-cycle"), {}));
    expect(error.message).toContain("nested containers form a cycle: A -> B -> A");
    // The innermost refusal is a setup failure carrying the chain.
    let cause: Any = error;
    while (cause.cause) cause = cause.cause;
    expect(cause).toMatchObject({ name: "NestingError", chain: ["A", "B", "A"] });
  });

  it("runs 32 nested containers (the default limit) and refuses a 33rd, naming the depth and the setting", async () => {
    const { response } = await runChain(chain(32));
    expect(innermost(response.data, 32)).toBe(499500);
    const error = await failureOf(runChain(chain(33)));
    expect(error.message).toContain(
      "parallel-execution step 'level33' would run 33 containers deep (level1 -> level2 -> level3 -> ... -> level32 -> level33), over the limit of 32 set by execution.max_depth of step 'level1'",
    );
    // The refusing container's own error: a setup failure (500) whose json names the chain and the setting.
    const causes: Any[] = [];
    for (let cause: Any = error; cause; cause = cause.cause) causes.push(cause);
    const refusal = causes.find((cause) => cause.context?.json?.chain);
    expect(refusal.context.code).toBe(500);
    expect(refusal.context.name).toBe("level33");
    expect(refusal.context.json).toMatchObject({ max_depth: 32, max_depth_step: "level1" });
    expect(refusal.context.json.chain).toHaveLength(33);
  });

  it("applies the smallest execution.max_depth along the chain, and names the step that set it", async () => {
    const { response } = await runChain(chain(3, { 1: 3 }));
    expect(innermost(response.data, 3)).toBe(499500);
    const error = await failureOf(runChain(chain(4, { 2: 3, 3: 10 })));
    expect(error.message).toContain("parallel-execution step 'level4' would run 4 containers deep (level1 -> level2 -> level3 -> level4), over the limit of 3 set by execution.max_depth of step 'level2'");
  });
});
