import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { ENTRIES, type EntryName } from "./builtPackage.js";
import type { CodeBlock } from "./markdown.js";
import type { Snippet } from "./typecheck.js";

/**
 * The names each public entry point exports, read from the built declarations under `dir` (parsed,
 * not type-checked: the bundled .d.ts lists its exports in `export { ... }` statements).
 */
export function publicExports(dir: string): Map<EntryName, Set<string>> {
  const root = join(dir, "node_modules", "@blok-ts", "parallel-execution", "dist");
  const exports = new Map<EntryName, Set<string>>();
  for (const [name, { out }] of Object.entries(ENTRIES) as [EntryName, (typeof ENTRIES)[EntryName]][]) {
    const file = join(root, `${out}.d.ts`);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const names = new Set<string>();
    for (const statement of source.statements) {
      if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) names.add(element.name.text);
      } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
        const declared = (statement as { name?: ts.Identifier }).name;
        if (declared && ts.isIdentifier(declared)) names.add(declared.text);
      }
    }
    exports.set(name, names);
  }
  return exports;
}

/**
 * The ```ts blocks of `@example` tags on the package's public API: the doc comment right above an
 * exported function, class or const whose name an entry point exports. Such an example may use
 * the entry's names without importing them (an import of those it uses is prepended, the way a
 * reader reads it); anything else it uses it must declare or import. Examples marked
 * ```ts fragment are skipped.
 *
 * @param root - the repository root; every `src/**\/*.ts` file is read.
 */
export function tsdocExamples(root: string, exports: Map<EntryName, Set<string>>): Snippet[] {
  const snippets: Snippet[] = [];
  for (const file of sourceFiles(join(root, "src"))) {
    const relativePath = file.slice(root.length + 1);
    const text = readFileSync(file, "utf8");
    for (const comment of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export\s+(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const)\s+([A-Za-z_$][\w$]*)/g)) {
      const name = comment[2]!;
      const entry = [...exports].find(([, names]) => names.has(name))?.[0];
      if (!entry) continue;
      const commentLine = text.slice(0, comment.index).split("\n").length;
      const lines = comment[1]!.split("\n").map((line) => line.replace(/^\s*\*\s?/, ""));
      for (let i = 0; i < lines.length; i++) {
        const open = /^```(\w+)?\s*(.*)$/.exec(lines[i]!.trim());
        if (!open || !/^(ts|typescript)$/.test(open[1] ?? "") || lines.slice(0, i).reverse().find((l) => l.trim() !== "")?.trim() !== "@example") continue;
        const end = lines.findIndex((line, j) => j > i && line.trim().startsWith("```"));
        const code = lines.slice(i + 1, end).join("\n");
        if (!/\bfragment\b/.test(open[2] ?? "")) {
          const names = exports.get(entry)!;
          const used = [...new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? [])].filter((word) => names.has(word));
          const preamble = /^\s*import\s/m.test(code) || used.length === 0 ? "" : `import { ${used.join(", ")} } from "${entry}";\n`;
          snippets.push({ file: relativePath, line: commentLine + i + 1, code, preamble, language: "ts" });
        }
        i = end;
      }
    }
  }
  return snippets;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * Names a block imports from the package (`import { a, type B } from "@blok-ts/parallel-execution/core"`)
 * that its entry point does not export, or a subpath that does not exist.
 */
export function missingImports(block: CodeBlock, exports: Map<EntryName, Set<string>>): string[] {
  const failures: string[] = [];
  for (const match of block.body.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*["'](@blok-ts\/parallel-execution[^"']*)["']/g)) {
    const line = block.line + 1 + block.body.slice(0, match.index).split("\n").length - 1;
    const names = exports.get(match[2] as EntryName);
    if (!names) {
      failures.push(`${block.file}:${line}: imports from ${match[2]}, which is not an entry point of the package (${[...exports.keys()].join(", ")})`);
      continue;
    }
    for (const spec of match[1]!.split(",")) {
      const name = spec.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim();
      if (name && !names.has(name)) failures.push(`${block.file}:${line}: imports ${name} from ${match[2]}, which does not export it`);
    }
  }
  return failures;
}
