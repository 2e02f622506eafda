import { describe, expect, it } from "vitest";
import { NodeBase } from "../../src/blok/index.js";
import { NodeNotFoundError, NodeRegistry } from "../../src/runtimes/module/index.js";
import { createRegistry, IfElse, resolveWorkflow, validateWorkflow, type Workflow } from "../../src/runner/index.js";
import { Probe } from "../blok/support.js";

function registry(): NodeRegistry {
  return createRegistry({ probe: new Probe() });
}

const probeStep = (name: string) => ({ name, node: "probe", type: "module" });

async function resolve(workflow: Workflow) {
  return resolveWorkflow(validateWorkflow(workflow, "test"), { registry: registry() });
}

describe("resolveWorkflow()", () => {
  it("resolves the top-level steps in order", async () => {
    const { steps } = await resolve({ steps: [probeStep("one"), { name: "two", node: "@blok-ts/if-else", type: "module" }] });
    expect(steps.map((step) => step.name)).toEqual(["one", "two"]);
    expect(steps[0]).toBeInstanceOf(Probe);
    expect(steps[1]).toBeInstanceOf(IfElse);
  });

  it("resolves nested steps and keeps the config's other keys (no wipe as in stock Blok)", async () => {
    const { nodes } = await resolve({
      steps: [probeStep("container")],
      nodes: { container: { steps: [probeStep("c1"), probeStep("c2")], inputs: { mode: "all" }, note: "kept" } },
    });
    const container = nodes.container as { steps: NodeBase[]; inputs: unknown; note: string };
    expect(container.steps.map((step) => step.name)).toEqual(["c1", "c2"]);
    expect(container.steps[0]).toBeInstanceOf(NodeBase);
    expect(container.inputs).toEqual({ mode: "all" });
    expect(container.note).toBe("kept");
  });

  it("resolves every condition's steps and keeps only conditions, as Blok does", async () => {
    const { nodes } = await resolve({
      steps: [{ name: "check", node: "@blok-ts/if-else", type: "module" }],
      nodes: {
        check: {
          inputs: { dropped: true },
          conditions: [
            { type: "if", condition: "true", steps: [probeStep("yes")], label: "first" },
            { type: "else", steps: [probeStep("no")] },
          ],
        },
      },
    });
    expect(Object.keys(nodes.check ?? {})).toEqual(["conditions"]);
    expect(nodes.check?.conditions[0]).toMatchObject({ type: "if", condition: "true", label: "first" });
    expect(nodes.check?.conditions[0].steps[0].name).toBe("yes");
    expect(nodes.check?.conditions[1].steps[0]).toBeInstanceOf(Probe);
  });

  it("resolves try and catch steps together", async () => {
    const { nodes } = await resolve({
      steps: [probeStep("guard")],
      nodes: { guard: { try: { steps: [probeStep("attempt")] }, catch: { steps: [probeStep("recover")] }, extra: 1 } },
    });
    expect(Object.keys(nodes.guard ?? {})).toEqual(["try", "catch"]);
    expect(nodes.guard?.try.steps[0].name).toBe("attempt");
    expect(nodes.guard?.catch.steps[0].name).toBe("recover");
  });

  it("copies configs deeply (mapping writes into them; a reused workflow object stays unmapped) and leaves a mapper key raw", async () => {
    const raw = { inputs: { n: 1 }, mapper: { name: "m", node: "mapper@1", type: "module" } };
    const { nodes } = await resolve({ steps: [probeStep("plain")], nodes: { plain: raw } });
    expect(nodes.plain).toEqual(raw);
    expect(nodes.plain).not.toBe(raw);
    expect(nodes.plain?.inputs).not.toBe(raw.inputs);
  });

  it("resolves eagerly: an unknown node in a branch that never runs still fails", async () => {
    await expect(
      resolve({
        steps: [{ name: "check", node: "@blok-ts/if-else", type: "module" }],
        nodes: {
          check: {
            conditions: [
              { type: "if", condition: "true", steps: [probeStep("fine")] },
              { type: "else", steps: [{ name: "never", node: "@acme/ghost", type: "module" }] },
            ],
          },
        },
      }),
    ).rejects.toSatisfy((error: Error) => error.message === "Step 'never' of workflow 'unnamed' cannot be resolved: Node @acme/ghost not found" && error.cause instanceof NodeNotFoundError);
  });

  it("copies every node config of a document the caller may run again, and uses those of a document parsed for this run as they are", async () => {
    const rows = [{ v: 1 }];
    const workflow = validateWorkflow({ steps: [probeStep("one")], nodes: { one: { inputs: { rows } } } }, "test");
    const copied = await resolveWorkflow(workflow, { registry: registry() });
    expect(copied.nodes.one?.inputs.rows).toEqual(rows);
    expect(copied.nodes.one?.inputs.rows).not.toBe(rows);
    const owned = await resolveWorkflow(workflow, { registry: registry() }, { owned: true });
    expect(owned.nodes.one?.inputs.rows).toBe(rows);
  });
});
