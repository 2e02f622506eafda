/** The docs test's own checks, on small pages written here: each must catch what it is for. */
import { describe, expect, it } from "vitest";
import { anchorsOf, checkLinks, githubSlug } from "./lib/links.js";
import { parseMarkdown } from "./lib/markdown.js";
import { checkNames } from "./lib/names.js";
import { outputCommands, stable, unmatchedLines } from "./lib/outputs.js";
import { checkShellBlock, cliArguments, shellCommands } from "./lib/shell.js";
import { missingImports } from "./lib/tsdocExamples.js";
import { checkContainerConfig, checkWorkflow, isContainerConfig, parseDataBlock } from "./lib/workflows.js";

const page = (text: string) => parseMarkdown("docs/example.md", text);

describe("markdown", () => {
  it("reads fences with their language, tags, indentation and the directives above them", () => {
    const { blocks } = page(["# T", "", "<!-- doc-test: output-of blok-parallel --help -->", "", "```text output", "a", "```", "", "  ```ts fragment", "  const x = 1;", "  ```"].join("\n"));
    expect(blocks).toMatchObject([
      { line: 5, lang: "text", tags: ["output"], body: "a", directives: ["output-of blok-parallel --help"] },
      { line: 9, lang: "ts", tags: ["fragment"], body: "const x = 1;", directives: [] },
    ]);
  });
});

describe("links", () => {
  it("slugs headings the way GitHub does, numbering repeats", () => {
    expect(githubSlug("Starting a run: `parallel` and `executeParallel`")).toBe("starting-a-run-parallel-and-executeparallel");
    expect(githubSlug("Large runs: 100,000 children")).toBe("large-runs-100000-children");
    expect([...anchorsOf(page("# A\n## Notes\n## Notes"))]).toEqual(["a", "notes", "notes-1"]);
  });

  it("reports a missing file, a missing anchor and a link out of the repository, not links in code", () => {
    const failures = checkLinks(process.cwd(), [page("# Top\n[a](nope.md) [b](#top) [c](#gone) [d](../../x.md) `[e](nope2.md)`\n[f](executor.md#errors)")]);
    expect(failures).toEqual([
      "docs/example.md:2: link nope.md: docs/nope.md does not exist",
      "docs/example.md:2: link #gone: docs/example.md has no heading with the anchor #gone",
      "docs/example.md:2: link ../../x.md leaves the repository",
    ]);
  });
});

describe("sample outputs", () => {
  const block = page("<!-- doc-test: output-of blok-parallel run x.json -->\n```text output\nblok-parallel: took 12 ms in ...\nsomething else\n```").blocks[0]!;

  it("matches lines with numbers and `...` free, and names a line the command does not print", () => {
    expect(stable("  took   3.5 ms ")).toBe("took 0 ms");
    expect(unmatchedLines(block, "noise\nblok-parallel: took 7 ms in step a\n")).toEqual([{ line: 4, text: "something else" }]);
  });

  it("needs a blok-parallel command", () => {
    expect(outputCommands(block).commands).toEqual([["run", "x.json"]]);
    expect(outputCommands(page("```text output\nx\n```").blocks[0]!).problems[0]).toMatch(/needs a <!-- doc-test: output-of/);
  });
});

describe("shell blocks", () => {
  it("splits commands and finds the CLI's arguments", () => {
    const block = page("```bash\nFOO=1 node bin/blok-parallel.mjs run a.json \\\n  --nodes 'my dir' && npm test # done\n```").blocks[0]!;
    expect(shellCommands(block).map((c) => c.words)).toEqual([["FOO=1", "node", "bin/blok-parallel.mjs", "run", "a.json", "--nodes", "my dir"], ["npm", "test"]]);
    expect(cliArguments(["npx", "blok-parallel", "worker", "--redis", "redis://h:1"])).toEqual(["worker", "--redis", "redis://h:1"]);
    const redirected = page("```bash\nblok-parallel run a.json --progress ndjson 2> events.ndjson >out.json 2>&1 < /dev/null\n```").blocks[0]!;
    expect(shellCommands(redirected).map((c) => c.words)).toEqual([["blok-parallel", "run", "a.json", "--progress", "ndjson"]]);
  });

  it("rejects synopsis notation, unknown options and missing files", () => {
    const block = page("```bash\nnode bin/blok-parallel.mjs run examples/pipeline/workflow.json [--debug]\nnpx blok-parallel run missing.json --nodes examples/nodes --bogus\n```").blocks[0]!;
    const failures = checkShellBlock(process.cwd(), block);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/^docs\/example.md:2: synopsis notation \[--debug\]/);
    expect(failures[1]).toMatch(/^docs\/example.md:2: blok-parallel run .*Unexpected argument "\[--debug\]"/);
    expect(failures[2]).toMatch(/^docs\/example.md:3: .*--bogus/);
  });
});

describe("workflow blocks", () => {
  it("rejects a container config that names its children `children`", () => {
    const value = { execution: { isolation: "inline" }, children: [{ name: "a", node: "x", type: "local" }] };
    expect(isContainerConfig(value)).toBe(true);
    expect(checkContainerConfig(value)[0]).toMatch(/exactly one of "nodes"/);
  });

  it("validates the containers of a workflow, and reports JSON with ellipses as a fragment", () => {
    const workflow = {
      name: "w",
      steps: [{ name: "p", node: "parallel-execution", type: "module" }],
      nodes: { p: { execution: { max_concurrent: 50 }, nodes: [{ name: "a", node: "x" }, { name: "b", node: "x" }] } },
    };
    expect(checkWorkflow(workflow)).toEqual([expect.stringMatching(/execution.max_concurrent must be at most 20 \(received 50\)/)]);
    expect(checkWorkflow({ steps: [] })[0]).toMatch(/at least one step/);
    expect(parseDataBlock(page('```json\n{ "a": [ ... ] }\n```').blocks[0]!)).toMatchObject({ problem: expect.stringMatching(/json fragment/) });
  });
});

describe("names", () => {
  it("reports unknown options, variables, fields, outside citations and files", () => {
    const known = { flags: new Set(["--nodes"]), env: new Set(["NODES_PATH"]), markdown: new Set(["cli.md"]), codeWords: new Set(["thread_start_ms"]) };
    const failures = checkNames([page("Use `--nodes` or NODES_PATH, not `--nodez` or BLOK_NODES; `thread_start_ms`, not `startup_ms`. See blok-compat 1.5 and cli.md, not guide.md.")], known, new Set());
    expect(failures).toEqual([
      "docs/example.md:1: option --nodez is not in the CLI's --help output or the source",
      "docs/example.md:1: environment variable BLOK_NODES is not read anywhere in the source",
      "docs/example.md:1: cites blok-compat, which is not in the repository",
      "docs/example.md:1: names guide.md, which is not a file of the repository",
      "docs/example.md:1: `startup_ms` is no field or name of the code (a renamed field?)",
    ]);
  });
});

describe("fragments", () => {
  it("names imports from the package that its entry points do not export", () => {
    const exports = new Map([["@blok-ts/parallel-execution/core", new Set(["parallel"])]]) as Parameters<typeof missingImports>[1];
    const block = page('```ts fragment\nimport { parallel, type Gone } from "@blok-ts/parallel-execution/core";\nimport { x } from "@blok-ts/parallel-execution/nope";\n```').blocks[0]!;
    expect(missingImports(block, exports)).toEqual([
      "docs/example.md:2: imports Gone from @blok-ts/parallel-execution/core, which does not export it",
      "docs/example.md:3: imports from @blok-ts/parallel-execution/nope, which is not an entry point of the package (@blok-ts/parallel-execution/core)",
    ]);
  });
});
