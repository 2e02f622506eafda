import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../../../src/cli/parseArgs.js";
import { parseWorkerArgs } from "../../../src/cli/workerCommand.js";
import type { CodeBlock } from "./markdown.js";

export const SHELL_LANGUAGES = new Set(["bash", "sh", "shell", "console"]);

/** One simple command of a shell block: its words (quotes removed) and the block line it starts on. */
export interface ShellCommand {
  readonly line: number;
  readonly words: readonly string[];
}

/**
 * Splits a shell block into simple commands: continuation lines joined, comments dropped,
 * split at `&&`, `||`, `;`, `|` and `&`, words split on blanks with '...' and "..." quoting,
 * redirections dropped.
 * Enough for documentation commands; no expansions are performed.
 */
export function shellCommands(block: CodeBlock): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const lines = block.body.split("\n");
  let words: string[] = [];
  let word: string | undefined;
  let start = block.line + 1;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (line: number) => {
    endWord();
    words = withoutRedirections(words);
    if (words.length > 0) commands.push({ line: start, words });
    words = [];
    start = line;
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = block.line + 1 + i;
    if (words.length === 0 && word === undefined) start = lineNo;
    const text = lines[i]!;
    let quote: string | undefined;
    for (let c = 0; c < text.length; c++) {
      const ch = text[c]!;
      if (quote) {
        if (ch === quote) quote = undefined;
        else word = (word ?? "") + ch;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
        word = word ?? "";
      } else if (ch === "\\" && c === text.length - 1) {
        break;
      } else if (ch === "#" && word === undefined) {
        break;
      } else if (/\s/.test(ch)) {
        endWord();
      } else if (ch === "&" && word !== undefined && /[<>]$/.test(word)) {
        word += ch; // 2>&1
      } else if (ch === ";" || ch === "|" || ch === "&") {
        endCommand(lineNo);
        if (text[c + 1] === ch) c++;
      } else {
        word = (word ?? "") + ch;
      }
    }
    if (!text.trimEnd().endsWith("\\")) endCommand(lineNo + 1);
    else endWord();
  }
  endCommand(block.line + lines.length + 1);
  return commands;
}

/** A command's words without its redirections (`2> file`, `>out.json`, `2>&1`, `< in`). */
function withoutRedirections(words: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const redirection = /^\d*(>>?|<)(&\d+)?(.*)$/.exec(words[i]!);
    if (!redirection) kept.push(words[i]!);
    else if (!redirection[2] && redirection[3] === "") i++; // the target is the next word
  }
  return kept;
}

/** The `blok-parallel` arguments of a command that runs the CLI (`blok-parallel`, `npx blok-parallel`, `node bin/blok-parallel.mjs`). */
export function cliArguments(words: readonly string[]): string[] | undefined {
  let rest = [...words];
  while (rest.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(rest[0]!)) rest = rest.slice(1);
  if (rest[0] === "npx") rest = rest.slice(1);
  if (rest[0] === "node" && rest[1]?.endsWith("bin/blok-parallel.mjs")) return rest.slice(2);
  if (rest[0] === "blok-parallel") return rest.slice(1);
  return undefined;
}

/**
 * Checks a shell block meant to be run as written: bash accepts its syntax, it holds no synopsis
 * notation (`[--option]`, `<placeholder>`), and each `blok-parallel` command in it parses with
 * the CLI's own argument parser and names a workflow file that exists.
 *
 * @returns `file:line: problem` entries.
 */
export function checkShellBlock(root: string, block: CodeBlock): string[] {
  const failures: string[] = [];
  const syntax = spawnSync("bash", ["-n"], { input: block.body, encoding: "utf8" });
  if (syntax.status !== 0) failures.push(`${block.file}:${block.line}: bash rejects the block: ${syntax.stderr.trim()}`);
  block.body.split("\n").forEach((text, i) => {
    const code = text.replace(/'[^']*'|"[^"]*"/g, "''").replace(/(^|\s)#.*$/, "");
    const synopsis = /\[--?[a-z][^\]]*\]|<[a-z][\w.|@ -]*>/i.exec(code);
    if (synopsis) failures.push(`${block.file}:${block.line + 1 + i}: synopsis notation ${synopsis[0]} in a runnable \`${block.lang}\` block: put synopses in a \`text\` block, or write a real value`);
  });
  for (const { line, words } of shellCommands(block)) {
    const argv = cliArguments(words);
    if (!argv) continue;
    const where = `${block.file}:${line}`;
    try {
      const command = argv[0] === "worker" ? parseWorkerArgs(argv.slice(1), {}) : parseArgs(argv);
      if (command.command === "run" && !existsSync(join(root, command.workflow))) failures.push(`${where}: blok-parallel run: workflow file ${command.workflow} does not exist`);
      if (command.command === "run" && command.body?.startsWith("@") && !existsSync(join(root, command.body.slice(1)))) failures.push(`${where}: --body file ${command.body.slice(1)} does not exist`);
      for (const dir of command.command === "run" || command.command === "worker" ? [command.nodesDir, command.pythonNodesDir] : []) {
        if (dir !== undefined && !existsSync(join(root, dir))) failures.push(`${where}: directory ${dir} does not exist`);
      }
    } catch (error) {
      failures.push(`${where}: blok-parallel ${argv.join(" ")}: ${(error as Error).message}`);
    }
  }
  return failures;
}
