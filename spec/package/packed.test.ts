/**
 * The built artifact as users get it: the package is built with its own tsup config and packed
 * with `npm pack`; the load checks run on that build, the rest in a fresh app that installs the
 * tarball from disk (and tsx, then piscina, from the registry, as the README says), imports it from ESM and
 * CommonJS, type-checks a TypeScript consumer (`module: nodenext`) and runs the installed CLI.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_ENTRIES } from "../../tsup.config.js";
import { packagesLoadedBy } from "./loadedPackages.js";
import { installedCount, installInto, packPackage, run, runOk } from "./stagePackage.js";

const root = process.cwd();
/** Building (types included), packing and two npm installs: minutes on a loaded 2-core machine. */
const SLOW = 600_000;
/** The optional peers: importing the root or ./core must load none of them. */
const HEAVY = ["@grpc/grpc-js", "@grpc/proto-loader", "piscina", "bullmq", "ioredis", "tsx", "prom-client", "esbuild"];
const ROOT = "@blok-ts/parallel-execution";

let stage: string;
let tarball: string;
let app: string;
let alone: number;
let withTsx: number;

beforeAll(() => {
  ({ stage, tarball } = packPackage(root));
  // Not under the stage: its node_modules (the checkout's) would be found from the app.
  app = mkdtempSync(join(tmpdir(), "blok-app-"));
  alone = installInto(app, [tarball]);
  runOk("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "tsx"], app);
  withTsx = installedCount(app);
}, SLOW);

afterAll(() => {
  for (const dir of [stage, app]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs ESM (`import`) or CommonJS code in the app; returns stdout. */
function inApp(code: string, format: "esm" | "cjs"): string {
  return runOk(process.execPath, [...(format === "esm" ? ["--input-type=module"] : []), "-e", code], app);
}

describe("importing the built package loads no optional peer", () => {
  const loads = (entry: string, format: "esm" | "cjs") =>
    packagesLoadedBy(format === "esm" ? `await import(${JSON.stringify(entry)});` : `require(${JSON.stringify(entry)});`, format, stage);
  const file = (out: string, format: "esm" | "cjs") => join(stage, "dist", `${out}.${format === "esm" ? "js" : "cjs"}`);

  for (const format of ["esm", "cjs"] as const) {
    it(`the root (${format}) loads none of ${HEAVY.join(", ")}`, () => {
      const loaded = loads(file("index", format), format);
      expect([...loaded].filter((name) => HEAVY.includes(name))).toEqual([]);
    });

    it(`./core (${format}) loads only rxjs and zod`, () => {
      expect([...loads(file("core/index", format), format)].sort()).toEqual(["rxjs", "zod"]);
    });
  }

  it("the recorder sees what a runtime entry loads (./python: gRPC, ./worker: piscina, ./queue: bullmq and ioredis)", () => {
    expect([...loads(file("python/index", "esm"), "esm")]).toEqual(expect.arrayContaining(["@grpc/grpc-js", "@grpc/proto-loader"]));
    expect([...loads(file("worker/index", "esm"), "esm")]).toContain("piscina");
    expect([...loads(file("queue/index", "cjs"), "cjs")]).toEqual(expect.arrayContaining(["bullmq", "ioredis"]));
  });
});

describe("the packed package, installed in a fresh app", () => {
  it("installs at most 15 packages with tsx, the figures the README states", () => {
    const stated = /`npm install @blok-ts\/parallel-execution` adds (\d+) packages to an empty app, (\d+) with `tsx`/.exec(readFileSync(join(root, "README.md"), "utf8"));
    expect(stated, "README.md states the install size").not.toBeNull();
    expect([alone, withTsx]).toEqual([Number(stated![1]), Number(stated![2])]);
    expect(withTsx).toBeLessThanOrEqual(15);
  });

  it("exports every entry point of tsup's list, and only those (besides config.json and package.json)", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };
    const subpaths = Object.keys(PUBLIC_ENTRIES).map((name) => `.${name.slice(ROOT.length)}`);
    expect(Object.keys(manifest.exports).sort()).toEqual([...subpaths, "./config.json", "./package.json"].sort());
    for (const [name, { out }] of Object.entries(PUBLIC_ENTRIES)) {
      const target = manifest.exports[`.${name.slice(ROOT.length)}`];
      expect(target, name).toEqual({
        import: { types: `./dist/${out}.d.ts`, default: `./dist/${out}.js` },
        require: { types: `./dist/${out}.d.cts`, default: `./dist/${out}.cjs` },
      });
    }
  });

  it("imports from ESM and CommonJS with the same names, at most 30 values at the root, and runs a container", () => {
    const names = (format: "esm" | "cjs") =>
      JSON.parse(
        inApp(
          format === "esm"
            ? `const root = await import("${ROOT}"); const core = await import("${ROOT}/core"); console.log(JSON.stringify([Object.keys(root).sort(), Object.keys(core).sort()]));`
            : `const root = require("${ROOT}"); const core = require("${ROOT}/core"); console.log(JSON.stringify([Object.keys(root).sort(), Object.keys(core).sort()]));`,
          format,
        ),
      ) as [string[], string[]];
    const esm = names("esm");
    expect(names("cjs")).toEqual(esm);
    expect(esm[0]).toEqual(expect.arrayContaining(["createEnvironment", "createParallelExecutionNode", "pythonPlugin", "workerPlugin", "MissingPeerError", "GlobalError"]));
    expect(esm[0].length).toBeLessThanOrEqual(30);
    expect(esm[1]).toEqual(expect.arrayContaining(["executeParallel", "parallel", "asyncChild"]));

    const workflow = {
      name: "packed",
      steps: [{ name: "fan-out", node: "parallel-execution", type: "module" }],
      nodes: { "fan-out": { nodes: [{ name: "a", node: "square", type: "module" }, { name: "b", node: "square", type: "module" }] }, a: { inputs: { n: 3 } }, b: { inputs: { n: 4 } } },
    };
    const program = (load: string) => `${load}
const square = { async handle(_ctx, inputs) { return inputs.n * inputs.n; } };
const env = createEnvironment({ nodes: { square } });
env.run(${JSON.stringify(workflow)}).then((run) => { console.log(JSON.stringify(run.response.data.results)); return env.close(); });`;
    // The last line: Blok's logger prints the node lines before it.
    const lastLine = (text: string) => text.trim().split("\n").at(-1);
    expect(lastLine(inApp(program(`import { createEnvironment } from "${ROOT}";`), "esm"))).toBe("[9,16]");
    expect(lastLine(inApp(program(`const { createEnvironment } = require("${ROOT}");`), "cjs"))).toBe("[9,16]");
  });

  it("a runtime entry without its optional peers throws MissingPeerError naming what to install", () => {
    const attempt = (entry: string) =>
      inApp(`import("${ROOT}/${entry}").then(() => console.log("loaded"), (error) => console.log(error.name + ": " + error.message));`, "esm").trim();
    expect(attempt("python")).toBe("MissingPeerError: the Python runtime needs @grpc/grpc-js, @grpc/proto-loader; install them: npm install @grpc/grpc-js @grpc/proto-loader");
    expect(attempt("worker")).toBe('MissingPeerError: the worker-thread runtime (isolation "worker") needs piscina; install it: npm install piscina');
    expect(attempt("queue")).toBe("MissingPeerError: the queue backend needs bullmq, ioredis; install them: npm install bullmq ioredis");
    const tracing = `import("${ROOT}/telemetry").then((t) => t.startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).then(() => console.log("started"), (error) => console.log(error.name + ": " + error.message));`;
    expect(inApp(tracing, "esm").trim()).toBe(
      "MissingPeerError: exporting traces (OTEL_EXPORTER_OTLP_ENDPOINT is set) needs @opentelemetry/sdk-trace-base, @opentelemetry/exporter-trace-otlp-http, @opentelemetry/resources, @opentelemetry/core; install them: npm install @opentelemetry/sdk-trace-base @opentelemetry/exporter-trace-otlp-http @opentelemetry/resources @opentelemetry/core",
    );
    expect(inApp(`try { require("${ROOT}/queue"); } catch (error) { console.log(error.name); }`, "cjs").trim()).toBe("MissingPeerError");
  });

  it("type-checks a TypeScript consumer (module nodenext, ESM and CommonJS, library types included)", () => {
    const uses = `
const env: BlokEnvironment = createEnvironment({ plugins: [workerPlugin(), pythonPlugin()] });
const Container = createParallelExecutionNode({ resolveChild: async () => { throw new MissingPeerError("x", "y", "z"); } });
const node: NodeBase = new Container();
const info: ExecutionInfo | undefined = undefined;
void env; void node; void info; void executeParallel;
`;
    writeFileSync(
      join(app, "consumer.mts"),
      `import { type BlokEnvironment, createEnvironment, createParallelExecutionNode, type ExecutionInfo, MissingPeerError, type NodeBase, pythonPlugin, workerPlugin } from "${ROOT}";
import { executeParallel } from "${ROOT}/core";${uses}`,
    );
    writeFileSync(
      join(app, "consumer.cts"),
      `import { type BlokEnvironment, createEnvironment, createParallelExecutionNode, type ExecutionInfo, MissingPeerError, type NodeBase, pythonPlugin, workerPlugin } from "${ROOT}";
import { executeParallel } from "${ROOT}/core";${uses}`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], typeRoots: [join(root, "node_modules", "@types")] },
        files: ["consumer.mts", "consumer.cts"],
      }),
    );
    const result = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], app);
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });

  it("runs the installed CLI on a workflow of TypeScript children (through tsx)", () => {
    const square = join(app, "nodes", "square");
    mkdirSync(square, { recursive: true });
    writeFileSync(join(square, "index.ts"), "export default class Square {\n  async handle(_ctx: unknown, inputs: { n: number }): Promise<number> {\n    return inputs.n * inputs.n;\n  }\n}\n");
    const workflow = {
      name: "typescript-children",
      steps: [{ name: "fan-out", node: "parallel-execution", type: "module" }],
      nodes: { "fan-out": { nodes: [{ name: "a", node: "square", type: "local" }, { name: "b", node: "square", type: "local" }] }, a: { inputs: { n: 5 } }, b: { inputs: { n: 6 } } },
    };
    writeFileSync(join(app, "workflow.json"), JSON.stringify(workflow));
    const result = run(join(app, "node_modules", ".bin", "blok-parallel"), ["run", "workflow.json", "--nodes", "nodes", "--progress", "none"], app);
    expect(result.status, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { results: unknown[] }).results).toEqual([25, 36]);
  });

  it("runs the installed CLI on examples/pipeline once piscina (its worker threads' peer) is added", () => {
    const cli = join(app, "node_modules", ".bin", "blok-parallel");
    const args = ["run", join(root, "examples/pipeline/workflow.json"), "--nodes", join(root, "examples/nodes"), "--progress", "none"];
    const without = run(cli, args, app);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("install it: npm install piscina");
    runOk("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "piscina"], app);
    const result = run(cli, args, app);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toBeTypeOf("object");
  });

  it("names the Python runtime's peers when the installed CLI runs examples/mixed without them", () => {
    const result = run(
      join(app, "node_modules", ".bin", "blok-parallel"),
      ["run", "examples/mixed/workflow.json", "--nodes", "examples/mixed/nodes", "--python-nodes", "examples/mixed/python-nodes", "--body", "@examples/mixed/body.json", "--progress", "none"],
      root,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the Python runtime needs @grpc/grpc-js, @grpc/proto-loader; install them: npm install @grpc/grpc-js @grpc/proto-loader");
  });
});
