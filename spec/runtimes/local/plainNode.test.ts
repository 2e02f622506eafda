import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Under vitest every .ts import goes through vite, so the tsx fallback of importNodeModule never
// runs here. This suite bundles the loader the way a build would and runs it under plain node.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const NODES = path.join(ROOT, "spec/fixtures/blok/nodes");
let workDir: string;

beforeAll(async () => {
  // Inside node_modules so that the bundle's import of "tsx/esm/api" resolves to the project's tsx.
  await mkdir(path.join(ROOT, "node_modules/.cache"), { recursive: true });
  workDir = await mkdtemp(path.join(ROOT, "node_modules/.cache/local-loader-"));
  await build({
    entryPoints: [path.join(ROOT, "src/runtimes/local/loadLocalNode.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["tsx", "jsonschema"],
    outfile: path.join(workDir, "loader.mjs"),
    logLevel: "silent",
  });
  await writeFile(
    path.join(workDir, "main.mjs"),
    `import { loadLocalNode } from "./loader.mjs";
const [nodesDir, ...names] = process.argv.slice(2);
const results = {};
for (const name of names) {
  const node = await loadLocalNode(name, nodesDir);
  results[name] = { kind: node.constructor.name, data: (await node.handle({}, { words: ["x", "y"], n: 2 })).data };
}
console.log(JSON.stringify(results));
`,
  );
}, 60_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("loadLocalNode() under plain node", () => {
  it("loads a .ts node through tsx and .js/.mjs/CommonJS nodes natively", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(workDir, "main.mjs"), NODES, "ts-handler", "handler-object", "with-main"],
      { env: { ...process.env, NODE_OPTIONS: "" } },
    );
    expect(JSON.parse(stdout)).toEqual({
      "ts-handler": { kind: "HandlerNode", data: { joined: "x-y" } },
      "handler-object": { kind: "HandlerNode", data: { doubled: 4 } },
      "with-main": { kind: "HandlerNode", data: { source: "package.json main" } },
    });
  });
});
