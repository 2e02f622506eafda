import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { cli, NODES, onlyDocument } from "../cli/support.js";
import { HOSTILE_STRINGS, keyed } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: output documents are checked field by field
type Any = any;

// Issue 14's reproduction, through the real CLI: request data that says "exit" must not exit.
let scratch: string;
let marker: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "blok-security-cli-"));
  marker = path.join(scratch, "pwned");
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function workflowFile(name: string, workflow: unknown): Promise<string> {
  const file = path.join(scratch, `${name}.json`);
  await writeFile(file, JSON.stringify(workflow));
  return file;
}

// The body goes through a file (`--body @file`): the hostile strings are megabytes, too long for argv.
async function run(file: string, body: unknown, extra: string[] = []) {
  const bodyFile = `${file}.body.json`;
  await writeFile(bodyFile, JSON.stringify(body));
  return cli(["run", file, "--nodes", NODES, "--body", `@${bodyFile}`, "--progress", "none", ...extra]);
}

// Sequential, with room per test: each run starts a Node process with tsx on a shared machine.
describe("blok-parallel run (subprocess): request data never becomes code", { timeout: 180_000 }, () => {
  it('"${ctx.request.body.x}" with x = "js/process.exit(7)" prints x verbatim and exits 0', async ({ expect }) => {
    const file = await workflowFile("plain", { name: "plain", steps: [{ name: "s", node: "identity", type: "local" }], nodes: { s: { inputs: { x: "${ctx.request.body.x}", deep: { list: ["${ctx.request.body.x}", "js/ctx.request.body.x"] } } } } });
    const result = await run(file, { x: "js/process.exit(7)" });
    expect(result.code, result.stderr).toBe(0);
    expect(onlyDocument(result.stdout)).toEqual({ x: "js/process.exit(7)", deep: { list: ["js/process.exit(7)", "js/process.exit(7)"] } });
  });

  it('container config "max_concurrent": "${ctx.request.body.mc}" with mc = "js/process.exit(9)" is a config error, not an exit 9', async ({ expect }) => {
    const file = await workflowFile("container", {
      name: "container",
      steps: [{ name: "fan", node: "parallel-execution", type: "module" }],
      nodes: {
        fan: { inputs: { execution: { max_concurrent: "${ctx.request.body.mc}" }, nodes: [{ name: "a", node: "identity", type: "local" }, { name: "b", node: "identity", type: "local" }] } },
        a: { inputs: {} },
        b: { inputs: {} },
      },
    });
    const result = await run(file, { mc: "js/process.exit(9)" });
    expect(result.code).toBe(1);
    expect((onlyDocument(result.stdout) as Any).error.message).toContain("max_concurrent");
  });

  it("every hostile string, in a plain step and in map-mode children, arrives verbatim; nothing writes the marker file", async ({ expect }) => {
    const writeMarker = `js/process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "x")`;
    const strings = [...HOSTILE_STRINGS, writeMarker, `\${${writeMarker.slice(3)}}`];
    const file = await workflowFile("many", {
      name: "many",
      steps: [
        { name: "plain", node: "identity", type: "local", set_var: true },
        { name: "fan", node: "parallel-execution", type: "module" },
      ],
      nodes: {
        plain: { inputs: Object.fromEntries(Object.keys(keyed(strings)).map((key) => [key, `\${ctx.request.body.${key}}`])) },
        fan: { inputs: { map: { items: "js/ctx.request.body.short", node: { name: "each", node: "identity", type: "local" } } } },
        each: { inputs: { item: "js/ctx.item", text: "${ctx.item}", previous: "${ctx.vars.plain.s0}" } },
      },
    });
    const short = strings.filter((text) => text.length < 1000);
    const result = await run(file, { ...keyed(strings), short });
    expect(result.code, result.stderr).toBe(0);
    expect((onlyDocument(result.stdout) as Any).results).toEqual(short.map((text) => ({ item: text, text, previous: strings[0] })));
    expect(existsSync(marker)).toBe(false);
  });

  it("--expression-timeout-ms bounds a js/ expression that never returns: exit 1 naming the step, the field and the limit", async ({ expect }) => {
    const file = await workflowFile("spin", { name: "spin", steps: [{ name: "compute", node: "identity", type: "local" }], nodes: { compute: { inputs: { total: "js/(()=>{while(true){}})()" } } } });
    const result = await run(file, {}, ["--expression-timeout-ms", "150"]);
    expect(result.code).toBe(1);
    expect((onlyDocument(result.stdout) as Any).error.message).toBe(
      "Step 'compute': the expression in field 'inputs.total' did not finish within the expression time limit of 150 ms (raise it with --expression-timeout-ms or BLOK_EXPRESSION_TIMEOUT_MS)",
    );
    const fromEnv = await cli(["run", file, "--nodes", NODES, "--progress", "none"], { BLOK_EXPRESSION_TIMEOUT_MS: "120" });
    expect(fromEnv.code).toBe(1);
    expect((onlyDocument(fromEnv.stdout) as Any).error.message).toContain("time limit of 120 ms");
  });
});
