import { beforeAll, describe, expect, it } from "vitest";
import { runWorkflowFile, workflow } from "./support.js";

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
