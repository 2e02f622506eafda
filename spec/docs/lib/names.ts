import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";
import { inlineCode, type MarkdownPage } from "./markdown.js";

/** Environment variables this project reads or documents by prefix; others (PATH, HOME...) are not checked. */
export const ENV_NAME = /\b(?:RUNTIME|BLOK|OTEL|WORKFLOWS|NODES|PYTHON|QUEUE|REDIS|WORKER)_[A-Z0-9_]*[A-Z0-9]\b/g;
/** A long option: two dashes, a letter, then letters, digits and dashes. */
export const FLAG = /(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]\b/g;
/** Mentions of material outside the repository. */
const OUTSIDE = /\bblok-compat\b|\.\.\/shared\/|ENGINEERING-NOTES|\bDESIGN\.md\b/g;

/** Code languages whose `--x` and UPPER_NAMES are program text, not flags or variables the reader types. */
const PROGRAM_LANGUAGES = new Set(["ts", "typescript", "js", "javascript", "python", "py", "mjs", "cjs"]);

/** Files whose text the documentation may name a flag or variable from: the code and the build. */
const SOURCE_DIRS = ["src", "bin", "bench", "scripts", "python", ".ci", "examples"];

/**
 * Everything the documentation may name, read from the code: the text of the source folders and
 * package.json (flags of the CLI appear in its usage text and its option tables; variables where
 * `process.env` / `os.environ` read them), plus the help texts.
 */
export function knownNames(root: string, helpTexts: readonly string[]): { flags: Set<string>; env: Set<string>; markdown: Set<string>; codeWords: Set<string> } {
  const texts = [...helpTexts, readFileSync(join(root, "package.json"), "utf8")];
  const markdown = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === "node_modules" || entry === "dist" || entry.startsWith(".git") || entry === "__pycache__") continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|cts|js|mjs|cjs|py|sh|json|ya?ml)$/.test(entry) || entry === "run") texts.push(readFileSync(path, "utf8"));
    }
  };
  for (const dir of SOURCE_DIRS) {
    try {
      walk(join(root, dir));
    } catch {
      // a folder the checkout does not have
    }
  }
  const collectMarkdown = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === "node_modules" || entry.startsWith(".")) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) collectMarkdown(path);
      else if (entry.endsWith(".md")) markdown.add(entry);
    }
  };
  collectMarkdown(root);
  const all = texts.join("\n");
  return { flags: new Set(all.match(FLAG) ?? []), env: new Set(all.match(ENV_NAME) ?? []), markdown, codeWords: codeWords(root) };
}

/**
 * Flags, variables and files the pages name that the code does not know: every `--flag` and
 * project variable (see {@link ENV_NAME}) in prose, tables and shell or text blocks must appear in
 * the help output or the source; every `*.md` file named must exist in the repository; nothing
 * may cite material outside it; every snake_case name in inline code (`thread_start_ms`) must
 * occur in the code (fields get renamed; the pages must follow).
 *
 * @param foreignFlags - flags of other tools the pages show (`node --import`, `redis-server --save`...).
 */
export function checkNames(pages: readonly MarkdownPage[], known: ReturnType<typeof knownNames>, foreignFlags: ReadonlySet<string>): string[] {
  const failures: string[] = [];
  const words = known.codeWords;
  const checkFields = (file: string, line: number, text: string): void => {
    for (const span of inlineCode(text)) {
      for (const field of span.match(/(?<![\w.$/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])/g) ?? []) {
        if (!words.has(field)) failures.push(`${file}:${line}: \`${field}\` is no field or name of the code (a renamed field?)`);
      }
    }
  };
  const check = (file: string, line: number, text: string): void => {
    for (const flag of new Set(text.match(FLAG) ?? [])) {
      if (!known.flags.has(flag) && !foreignFlags.has(flag)) failures.push(`${file}:${line}: option ${flag} is not in the CLI's --help output or the source`);
    }
    for (const name of new Set(text.match(ENV_NAME) ?? [])) {
      if (!known.env.has(name)) failures.push(`${file}:${line}: environment variable ${name} is not read anywhere in the source`);
    }
    for (const outside of new Set(text.match(OUTSIDE) ?? [])) failures.push(`${file}:${line}: cites ${outside}, which is not in the repository`);
    for (const mention of new Set(text.match(/[\w./-]*\w\.md\b/g) ?? [])) {
      if (!known.markdown.has(basename(mention)) && !/^https?:/.test(mention)) failures.push(`${file}:${line}: names ${mention}, which is not a file of the repository`);
    }
  };
  for (const page of pages) {
    for (const { line, text } of page.prose) {
      if (/^\s*<!--\s*doc-test:/.test(text)) continue;
      check(page.file, line, text.replace(/\]\((https?:)?[^)]*\)/g, "]"));
      checkFields(page.file, line, text);
    }
    for (const block of page.blocks) {
      if (PROGRAM_LANGUAGES.has(block.lang) || block.lang === "json" || block.lang === "yaml") continue;
      block.body.split("\n").forEach((text, i) => check(page.file, block.line + 1 + i, text));
    }
  }
  return failures;
}

/** snake_case names of other software the pages quote: stock Blok's crash message, a Python module. */
const FOREIGN_WORDS = ["flow_steps", "grpc_tools"];

const SNAKE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;

/**
 * The snake_case names the product's code uses (identifiers and string contents of src/, Python
 * of python/ without its comments, config.json): comments are left out, so a field renamed in the
 * code but not in a comment is still caught in the pages.
 */
export function codeWords(root: string): Set<string> {
  const words = new Set<string>();
  const add = (text: string) => {
    for (const word of text.match(SNAKE) ?? []) words.add(word);
  };
  const walk = (dir: string, visit: (path: string) => void): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === "__pycache__" || entry === "node_modules") continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path, visit);
      else visit(path);
    }
  };
  walk(join(root, "src"), (path) => {
    if (!/\.[cm]?[jt]s$/.test(path)) return;
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, readFileSync(path, "utf8"));
    for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
      if (token === ts.SyntaxKind.Identifier || token === ts.SyntaxKind.PrivateIdentifier) add(scanner.getTokenText());
      else if (token >= ts.SyntaxKind.FirstLiteralToken && token <= ts.SyntaxKind.LastTemplateToken) add(scanner.getTokenValue());
    }
  });
  walk(join(root, "python"), (path) => {
    if (path.endsWith(".py") || path.endsWith(".proto")) add(readFileSync(path, "utf8").replace(/^\s*(#|\/\/).*$/gm, ""));
  });
  // Examples and benchmarks are code the pages show too: their names (node folders, functions) count.
  for (const dir of ["examples", "bench"]) {
    walk(join(root, dir), (path) => {
      add(path);
      if (/\.([cm]?[jt]s|py|json)$/.test(path)) add(readFileSync(path, "utf8"));
    });
  }
  for (const word of FOREIGN_WORDS) words.add(word);
  add(readFileSync(join(root, "config.json"), "utf8"));
  return words;
}
