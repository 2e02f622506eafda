import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** One relative import between two files under `src/`. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`: erased at build time, so it creates no load order. */
  readonly typeOnly: boolean;
}

/** Every file under `dir` (repository-relative paths), recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|cjs|mjs)$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function resolveSpecifier(file: string, specifier: string): string {
  const target = path.normalize(path.join(path.dirname(file), specifier));
  return target.endsWith(".js") ? target.replace(/\.js$/, ".ts") : target;
}

/** Static, type-only and dynamic relative imports of `file`; bare package imports go to `packages`. */
export function importsOf(file: string): { edges: ImportEdge[]; packages: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const packages: string[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (specifier.startsWith(".")) edges.push({ from: file, to: resolveSpecifier(file, specifier), typeOnly });
    else packages.push(specifier);
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = ts.isImportDeclaration(node) ? node.importClause : node;
      const allTypes = ts.isImportDeclaration(node)
        ? clause !== undefined && (node.importClause!.isTypeOnly || everyNamedIsType(node.importClause!.namedBindings) && node.importClause!.name === undefined)
        : node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, allTypes);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) {
      add((node.arguments[0] as ts.StringLiteral).text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { edges, packages };
}

function everyNamedIsType(bindings: ts.NamedImportBindings | undefined): boolean {
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}
