import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

/** A piece of code to type-check, and where it was written. */
export interface Snippet {
  /** Where its first line is, `file:line`-wise. */
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** Lines prepended to `code` that are not in the page (an implicit import), for line numbers. */
  readonly preamble?: string;
  readonly language: "ts" | "js";
}

const NOT_INSTALLED = new Set([2307, 2792]);
/**
 * What is checked in JavaScript: syntax (1xxx), imports (a module or export that does not exist)
 * and names (not declared, misspelt). Inferred types are not: a JS node's `handle(ctx, inputs)`
 * is untyped on purpose.
 */
const JS_CODES = new Set([2304, 2305, 2307, 2552, 2614, 2724, 2792, 18004]);
const checkedInJs = (code: number) => code < 2000 || JS_CODES.has(code);

/**
 * Type-checks every snippet as its own ES module in one TypeScript program (strict, NodeNext, Node
 * types), under `dir`, where `node_modules` holds the built package (see `buildPackage`).
 * JavaScript is checked for syntax, imports and names (`checkJs`, see {@link JS_CODES}); a snippet
 * that uses `require` or `module.exports` is checked as CommonJS.
 *
 * @returns one `file:line: problem` per error, at the snippet's line in its page.
 */
export function typecheck(root: string, dir: string, snippets: readonly Snippet[]): string[] {
  const folder = join(dir, "snippets");
  mkdirSync(folder, { recursive: true });
  const byPath = new Map<string, Snippet>();
  snippets.forEach((snippet, index) => {
    const commonJs = snippet.language === "js" && /\brequire\(|\bmodule\.exports\b/.test(snippet.code);
    const extension = snippet.language === "ts" ? ".mts" : commonJs ? ".cjs" : ".mjs";
    const path = join(folder, `snippet-${index}${extension}`);
    writeFileSync(path, (snippet.preamble ?? "") + fromRoot(root, snippet.code));
    byPath.set(path, snippet);
  });
  const program = ts.createProgram([...byPath.keys()], {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ["node"],
    typeRoots: [join(dir, "node_modules", "@types")],
    strict: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
  });
  const failures: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const snippet = diagnostic.file ? byPath.get(diagnostic.file.fileName) : undefined;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n    ");
    if (!snippet && diagnostic.file && /\.[cm]?js$/.test(diagnostic.file.fileName) && !checkedInJs(diagnostic.code)) continue;
    if (!snippet || !diagnostic.file || diagnostic.start === undefined) {
      const at = diagnostic.file && diagnostic.start !== undefined ? `${relative(root, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}` : "(type-check)";
      failures.push(`${at}: TS${diagnostic.code} ${message} (in a file a documentation block imports)`);
      continue;
    }
    if (snippet.language === "js" && !checkedInJs(diagnostic.code)) continue;
    const preambleLines = snippet.preamble ? snippet.preamble.split("\n").length - 1 : 0;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const at = snippet.line + Math.max(0, line - preambleLines);
    const hint = NOT_INSTALLED.has(diagnostic.code) ? " (a package that is not installed here: add it to devDependencies, or mark the block `fragment`)" : "";
    failures.push(`${snippet.file}:${at}: TS${diagnostic.code} ${message}${hint}`);
  }
  return failures;
}

/**
 * A block's relative imports are read from the repository root, where its reader runs it
 * (`./examples/nodes/...`), so they resolve to the real files.
 */
function fromRoot(root: string, code: string): string {
  return code.replace(/(\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*)(["'])(\.\.?\/[^"']+)\2/g, (_match, head: string, quote: string, path: string) => `${head}${quote}${join(root, path)}${quote}`);
}

/** Imports of the package's sources instead of the package: what a reader of the docs cannot write. */
export function sourceImports(snippet: Snippet): string[] {
  return [...snippet.code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*)["']([^"']*\bsrc\/[^"']*)["']/g)].map(
    (match) => `${snippet.file}:${snippet.line + snippet.code.slice(0, match.index).split("\n").length - 1}: imports ${match[1]} (the repository's sources): import from "@blok-ts/parallel-execution" or its subpaths`,
  );
}
