import { describe, expect, it } from "vitest";
import { type Context, createContext } from "../../src/blok/index.js";
import { containerConfigSchema } from "../../src/node/containerSchema.js";
import { CowSpace } from "../../src/node/isolation/copyOnWrite.js";
import { isolateContext } from "../../src/node/isolation/isolateContext.js";
import { NestingError } from "../../src/node/errors.js";
import { enterContainer } from "../../src/node/nestingChain.js";
import { silentLogger } from "../blok/support.js";

function context(config: Record<string, unknown>): Context {
  return createContext({ config: config as Context["config"], body: {}, logger: silentLogger(), workflowName: "wf" });
}

/** What a container's child gets: its own copy-on-write context built from the container's. */
function childOf(ctx: Context): Context {
  return isolateContext(ctx, new CowSpace(), { stepName: "child", signal: new AbortController().signal });
}

describe("enterContainer()", () => {
  it("returns a context carrying the chain, and leaves the step's own context as it was", () => {
    const ctx = context({ a: { nodes: [] } });
    const keys = Reflect.ownKeys(ctx);
    const entered = enterContainer(ctx, "a", 32);
    expect(Reflect.ownKeys(ctx)).toEqual(keys);
    expect(entered.config).toBe(ctx.config);
    expect(entered.vars).toBe(ctx.vars);
    expect(() => enterContainer(childOf(entered), "a", 32)).toThrow(NestingError);
  });

  it("tells a container nested in itself (same step, same node config) from another workflow's container of the same name", () => {
    const ctx = context({ a: { nodes: [] }, b: { nodes: [] } });
    const inner = childOf(enterContainer(childOf(enterContainer(ctx, "a", 32)), "b", 32));
    expect(() => enterContainer(inner, "a", 32)).toThrow("nested containers form a cycle: a -> b -> a");
    // A sub-workflow whose container is also named "a" has its own node config: not a cycle.
    inner.config = { ...inner.config, a: { nodes: [] } };
    expect(() => enterContainer(inner, "a", 32)).not.toThrow();
  });

  it("counts the depth from the outermost container, this one included", () => {
    let ctx = context({});
    for (let level = 1; level <= 3; level++) ctx = childOf(enterContainer(ctx, `l${level}`, 3));
    let error: unknown;
    try {
      enterContainer(ctx, "l4", 100);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NestingError);
    expect(error).toMatchObject({ name: "NestingError", chain: ["l1", "l2", "l3", "l4"], limit: { max_depth: 3, step: "l1" } });
  });

  it("execution.max_depth is a whole number from 1 to 1000", () => {
    const parse = (max_depth: unknown) => containerConfigSchema.safeParse({ execution: { max_depth }, nodes: [{ name: "x", node: "n" }, { name: "y", node: "n" }] });
    expect(parse(1).success).toBe(true);
    expect(parse(1000).success).toBe(true);
    expect(parse(0).error?.issues[0]?.message).toBe("must be at least 1");
    expect(parse(1001).error?.issues[0]?.message).toBe("must be at most 1000");
    expect(parse(2.5).error?.issues[0]?.message).toBe("must be a whole number");
  });
});
