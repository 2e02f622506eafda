/**
 * Documentation that cannot drift: every code block of README.md and docs/, and every `@example`
 * of the public API, is checked against the code; the conventions are in README.md's
 * "Documentation that is tested", each check in spec/docs/lib/.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUITES } from "../../bench/suites.js";
import { USAGE } from "../../src/cli/parseArgs.js";
import { WORKER_USAGE } from "../../src/cli/workerCommand.js";
import { buildPackage } from "./lib/builtPackage.js";
import { checkLinks } from "./lib/links.js";
import { type CodeBlock, type MarkdownPage, parseMarkdown } from "./lib/markdown.js";
import { checkNames, FLAG, knownNames } from "./lib/names.js";
import { outputCommands, runCli, splitWords, unmatchedLines } from "./lib/outputs.js";
import { checkShellBlock, SHELL_LANGUAGES } from "./lib/shell.js";
import { missingImports, publicExports, tsdocExamples } from "./lib/tsdocExamples.js";
import { type Snippet, sourceImports, typecheck } from "./lib/typecheck.js";
import { checkContainerConfig, checkWorkflow, isContainerConfig, isWorkflow, parseDataBlock } from "./lib/workflows.js";

const root = process.cwd();

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? markdownFiles(path) : entry.endsWith(".md") ? [path] : [];
  });
}

const pages: MarkdownPage[] = ["README.md", ...markdownFiles("docs").sort()].map((file) => parseMarkdown(file));
const blocks: CodeBlock[] = pages.flatMap((page) => page.blocks);
const isFragment = (block: CodeBlock) => block.tags.includes("fragment");
const TS = new Set(["ts", "typescript"]);
const JS = new Set(["js", "javascript", "mjs"]);
const DATA = new Set(["json", "yaml", "yml"]);
/** Fence languages a page may use; `text` is for synopses and diagrams, `text output` for what a command prints. */
const LANGUAGES = new Set([...TS, ...JS, ...DATA, ...SHELL_LANGUAGES, "text", "python", "proto", "diff"]);
/** Flags of other tools the pages show, with the tool. */
const FOREIGN_FLAGS = new Set([
  "--save", "--appendonly", "--port", // redis-server
  "--import", "--expose-gc", "--enable-source-maps", "--max-old-space-size", "--cpu-prof", // node
  "--coverage", "--no-emit", "--noEmit", "--index", // vitest, tsc, bench/run-all
]);

/** One Program over every block, or workflows run through the CLI: seconds each, minutes on a loaded 2-core machine. */
const SLOW = 180_000;

/** Fails with every problem, one `file:line: problem` per line. */
function expectNone(failures: readonly string[]): void {
  if (failures.length > 0) expect.fail(`${failures.length} problem(s):\n${failures.join("\n")}`);
}

describe("documentation", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await buildPackage(root);
  }, SLOW);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("every fence says what it holds, and every doc-test directive is known", () => {
    const failures: string[] = [];
    for (const block of blocks) {
      if (!LANGUAGES.has(block.lang)) {
        failures.push(`${block.file}:${block.line}: fence language "${block.lang}" is not one the docs test knows: use ts, js, json, yaml, bash, python, or text (\`text output\` for what a command prints)`);
      }
      if (block.lang === "text" && !block.tags.includes("output") && /^blok-parallel: /m.test(block.body)) {
        failures.push(`${block.file}:${block.line}: a \`text\` block with the CLI's messages (blok-parallel: ...) is sample output: fence it as \`text output\` with the command above it`);
      }
      for (const directive of block.directives) {
        if (!/^(run|output-of)\b/.test(directive)) failures.push(`${block.file}:${block.line}: unknown doc-test directive "${directive}" (known: run, output-of)`);
        if (directive.startsWith("run") && !DATA.has(block.lang)) failures.push(`${block.file}:${block.line}: doc-test "run" is for workflow blocks`);
      }
    }
    expectNone(failures);
  });

  it("TypeScript and JavaScript blocks and the public API's @examples type-check against the built package", () => {
    const snippets: Snippet[] = blocks
      .filter((block) => (TS.has(block.lang) || JS.has(block.lang)) && !isFragment(block))
      .map((block) => ({ file: block.file, line: block.line + 1, code: block.body, language: TS.has(block.lang) ? "ts" : "js" }));
    const exports = publicExports(dir);
    const examples = tsdocExamples(root, exports);
    expect(examples.length).toBeGreaterThan(0);
    // Fragments are not compiled, but what they import from the package must exist.
    const fragmentImports = blocks.filter((b) => (TS.has(b.lang) || JS.has(b.lang)) && isFragment(b)).flatMap((block) => missingImports(block, exports));
    expectNone([...fragmentImports, ...snippets.flatMap(sourceImports), ...typecheck(root, dir, [...snippets, ...examples])]);
  }, SLOW);

  it("workflow blocks are valid (container configs included), and those marked `run` succeed through the CLI", async () => {
    const failures: string[] = [];
    const workDir = mkdtempSync(join(tmpdir(), "blok-docs-workflows-"));
    try {
      for (const block of blocks.filter((b) => DATA.has(b.lang) && !isFragment(b))) {
        const where = `${block.file}:${block.line}`;
        const parsed = parseDataBlock(block);
        if ("problem" in parsed) {
          failures.push(`${where}: ${parsed.problem}`);
          continue;
        }
        const run = block.directives.find((d) => d.startsWith("run"));
        if (isWorkflow(parsed.value)) {
          const problems = checkWorkflow(parsed.value);
          failures.push(...problems.map((problem) => `${where}: invalid workflow: ${problem}`));
          if (problems.length > 0 || !run) continue;
          const words = splitWords(run).slice(1);
          const expectedExit = Number(/^exit=(\d+)$/.exec(words[0] ?? "")?.[1] ?? 0);
          const file = join(workDir, `workflow-${block.line}.${block.lang === "json" ? "json" : "yaml"}`);
          writeFileSync(file, block.body);
          const result = await runCli(["run", file, "--progress", "none", ...words.filter((w) => !w.startsWith("exit="))]);
          if (result.code !== expectedExit) {
            failures.push(`${where}: blok-parallel run ${words.join(" ")} exited ${result.code} (expected ${expectedExit}): ${result.stderr.trim().split("\n").slice(-3).join(" / ")}`);
          }
        } else if (isContainerConfig(parsed.value)) {
          failures.push(...checkContainerConfig(parsed.value).map((problem) => `${where}: invalid container config: ${problem}`));
        } else if (run) {
          failures.push(`${where}: doc-test "run" on a block that is not a workflow (no "steps")`);
        }
      }
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    expectNone(failures);
  }, SLOW);

  it("sample outputs (`text output`) are what the CLI prints", async () => {
    const failures: string[] = [];
    for (const block of blocks.filter((b) => b.lang === "text" && b.tags.includes("output"))) {
      const { commands, problems } = outputCommands(block);
      failures.push(...problems);
      let printed = "";
      for (const argv of commands) {
        const result = await runCli(argv);
        printed += `${result.stdout}\n${result.stderr}\n`;
      }
      if (commands.length === 0) continue;
      for (const { line, text } of unmatchedLines(block, printed)) {
        failures.push(`${block.file}:${line}: the CLI does not print this line (${block.directives.join("; ")}): ${text}`);
      }
    }
    expectNone(failures);
  }, SLOW);

  it("shell blocks run as written: valid bash, no synopsis notation, CLI commands that parse", () => {
    expectNone(blocks.filter((b) => SHELL_LANGUAGES.has(b.lang) && !isFragment(b)).flatMap((block) => checkShellBlock(root, block)));
  });

  it("every relative link and #anchor resolves", () => {
    expectNone(checkLinks(root, pages));
  });

  it("every CLI flag, environment variable, field and file the pages name exists", () => {
    expectNone(checkNames(pages, knownNames(root, [USAGE, WORKER_USAGE]), FOREIGN_FLAGS));
  });

  it("every option of the --help output is documented", () => {
    const documented = new Set(pages.flatMap((page) => [...page.prose.map((p) => p.text), ...page.blocks.map((b) => b.body)]).join("\n").match(FLAG) ?? []);
    const help = new Set([...USAGE.matchAll(FLAG), ...WORKER_USAGE.matchAll(FLAG)].map((m) => m[0]));
    expectNone([...help].filter((flag) => !documented.has(flag)).map((flag) => `docs/cli.md: option ${flag} (in --help) is documented on no page`));
  });

  it("every bench page is written by its suite, so `npm run bench` leaves none stale", () => {
    const failures: string[] = [];
    for (const suite of SUITES) {
      const folder = dirname(suite.args[0]!);
      const writes = readdirSync(folder).some((entry) => {
        const text = entry.endsWith(".ts") ? readFileSync(join(folder, entry), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "") : "";
        return text.includes(suite.page) && /\bwriteFile(Sync)?\(/.test(text);
      });
      if (!writes) failures.push(`${suite.page}:1: no file under ${folder}/ writes this page (bench suite ${suite.name}): it goes stale while docs/benchmarks.md is rebuilt from it`);
    }
    for (const page of markdownFiles("docs/bench")) {
      if (!SUITES.some((suite) => suite.page === page)) failures.push(`${page}:1: no suite in bench/suites.ts writes this page`);
    }
    expectNone(failures);
  });
});
