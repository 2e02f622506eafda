import type { CodeBlock } from "./markdown.js";
import { cliArguments } from "./shell.js";

/** What a command printed. */
export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables a doc command must not inherit from the shell running the tests. */
const CLEARED_ENV = ["NODES_PATH", "PYTHON_NODES_PATH", "RUNTIME_PYTHON3_HOST", "RUNTIME_PYTHON3_PORT", "BLOK_REDIS_URL", "BLOK_PYTHON"];

/**
 * Runs the CLI's `main` in this process, as `blok-parallel <argv>` from the repository root
 * (the test's working directory), with stdout and stderr captured (not a TTY) and without the
 * runtime variables of the calling shell. In-process because a fresh `node bin/blok-parallel.mjs`
 * compiles the sources again through tsx for every command.
 */
export async function runCli(argv: readonly string[]): Promise<CommandRun> {
  const { main } = await import("../../../src/cli/main.js");
  const saved = CLEARED_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of CLEARED_ENV) delete process.env[name];
  let stdout = "";
  let stderr = "";
  try {
    const code = await main(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text), isTTY: false } });
    return { code, stdout, stderr };
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

/**
 * Words of a shell-like command line, with '...' and "..." quoting (for directives).
 */
export function splitWords(text: string): string[] {
  return [...text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The CLI arguments of each `output-of` directive of a block; a directive that does not run the CLI is a problem. */
export function outputCommands(block: CodeBlock): { commands: string[][]; problems: string[] } {
  const commands: string[][] = [];
  const problems: string[] = [];
  for (const directive of block.directives) {
    const match = /^output-of\s+(.*)$/.exec(directive);
    if (!match) continue;
    const argv = cliArguments(splitWords(match[1]!));
    if (argv) commands.push(argv);
    else problems.push(`${block.file}:${block.line}: doc-test directive "${directive}": output-of takes a blok-parallel command`);
  }
  if (commands.length === 0 && problems.length === 0) {
    problems.push(`${block.file}:${block.line}: a \`text output\` block needs a <!-- doc-test: output-of blok-parallel ... --> line above it naming the command that prints it`);
  }
  return { commands, problems };
}

/**
 * The stable form of a line: blanks collapsed, every number written as 0 (timings, ports and
 * ids change from run to run).
 */
export function stable(line: string): string {
  return line.trim().replace(/\s+/g, " ").replace(/\d+(\.\d+)?/g, "0");
}

/**
 * Compares a sample with what the commands printed: every non-blank line of the sample must be
 * a line of the output (stdout or stderr), in stable form; `...` in the sample stands for any text.
 *
 * @returns the sample lines that no output line matches, with their page line.
 */
export function unmatchedLines(block: CodeBlock, printed: string): { line: number; text: string }[] {
  const outputLines = printed.split("\n").map(stable);
  const missing: { line: number; text: string }[] = [];
  block.body.split("\n").forEach((text, i) => {
    if (text.trim() === "") return;
    const pattern = new RegExp(`^${stable(text).split(/\.\.\.|…/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    if (!outputLines.some((line) => pattern.test(line))) missing.push({ line: block.line + 1 + i, text: text.trim() });
  });
  return missing;
}
