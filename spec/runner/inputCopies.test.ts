import { beforeAll, describe, expect, it } from "vitest";
import { type Context, NodeBlok, NodeBlokResponse } from "../../src/blok/index.js";
import { createRegistry, runWorkflow } from "../../src/runner/index.js";
import { silentLogger } from "../blok/support.js";

// What a node's inputs are made of when its config holds literal data (blok-compat 3.5 step 1:
// stock Blok gives every node run its own deep copy of its config).

beforeAll(() => {
  process.env.CONSOLE_LOG_ACTIVE = "false";
});

type Rows = { rows: { v: number }[] };

/** Doubles every row of its inputs in place and pushes one more: a node that writes its inputs. */
class Vandal extends NodeBlok<Rows> {
  constructor(readonly seen: Rows[] = []) {
    super();
  }

  async handle(_ctx: Context, inputs: Rows): Promise<NodeBlokResponse> {
    this.seen.push(structuredClone(inputs));
    for (const row of inputs.rows) row.v *= 2;
    inputs.rows.push({ v: -1 });
    const response = new NodeBlokResponse();
    response.setSuccess(inputs);
    return response;
  }
}

/** Reports what ctx.config holds for another step. */
class ConfigReader extends NodeBlok<unknown> {
  async handle(ctx: Context): Promise<NodeBlokResponse> {
    const response = new NodeBlokResponse();
    response.setSuccess(structuredClone(ctx.config.write?.inputs));
    return response;
  }
}

function document() {
  return {
    name: "copies",
    steps: [
      { name: "write", node: "vandal", type: "module" },
      { name: "again", node: "vandal", type: "module" },
      { name: "read", node: "reader", type: "module" },
    ],
    nodes: { write: { inputs: { rows: [{ v: 1 }, { v: 2 }] } }, again: { inputs: { rows: [{ v: 1 }, { v: 2 }] } }, read: {} },
  };
}

describe("inputs of a node that writes them (the default: a private copy per node run)", () => {
  it("leave the document, a second run of the workflow, the step's ctx.config entry and a sibling step untouched", async () => {
    const seen: Rows[] = [];
    const registry = createRegistry({ vandal: new Vandal(seen), reader: new ConfigReader() });
    const doc = document();
    const first = await runWorkflow(doc, { registry, logger: silentLogger() });
    const second = await runWorkflow(doc, { registry, logger: silentLogger() });
    // Every run of either step saw the document's rows, never another run's edits.
    expect(seen).toEqual([{ rows: [{ v: 1 }, { v: 2 }] }, { rows: [{ v: 1 }, { v: 2 }] }, { rows: [{ v: 1 }, { v: 2 }] }, { rows: [{ v: 1 }, { v: 2 }] }]);
    expect(doc.nodes.write.inputs.rows).toEqual([{ v: 1 }, { v: 2 }]);
    // ctx.config[name] keeps the first-pass result, as in Blok, not the node's edits.
    expect(first.response.data).toEqual({ rows: [{ v: 1 }, { v: 2 }] });
    expect(second.ctx.config.again?.inputs.rows).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it("are a fresh copy for every run of the same step within one run", async () => {
    const seen: Rows[] = [];
    const registry = createRegistry({ vandal: new Vandal(seen), reader: new ConfigReader() });
    const doc = { ...document(), steps: [{ name: "write", node: "vandal", type: "module" }, { name: "write", node: "vandal", type: "module" }] };
    await runWorkflow(doc, { registry, logger: silentLogger() });
    expect(seen).toEqual([{ rows: [{ v: 1 }, { v: 2 }] }, { rows: [{ v: 1 }, { v: 2 }] }]);
  });
});

describe("inputs of a node that declares inputsReadOnly", () => {
  it("are this run's own config objects: never the document's, never another run's", async () => {
    const received: unknown[] = [];
    class Reader extends NodeBlok<Rows> {
      constructor() {
        super();
        this.inputsReadOnly = true;
      }
      async handle(ctx: Context, inputs: Rows): Promise<NodeBlokResponse> {
        received.push(inputs.rows);
        expect(inputs.rows).toBe(ctx.config.write?.inputs.rows);
        const response = new NodeBlokResponse();
        response.setSuccess(inputs.rows.length);
        return response;
      }
    }
    const registry = createRegistry({ vandal: new Reader(), reader: new ConfigReader() });
    const doc = { ...document(), steps: [{ name: "write", node: "vandal", type: "module" }] };
    await runWorkflow(doc, { registry, logger: silentLogger() });
    await runWorkflow(doc, { registry, logger: silentLogger() });
    expect(received).toHaveLength(2);
    expect(received[0]).not.toBe(doc.nodes.write.inputs.rows);
    expect(received[1]).not.toBe(received[0]);
  });
});
