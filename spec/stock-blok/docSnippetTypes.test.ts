import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PACKAGE_ENTRY, registrationSnippet } from "./docSnippet.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
// A file that exists nowhere on disk: the compiler host serves the snippet under this name, inside
// the repository so `@nanoservice-ts/*` resolve from its node_modules, as in an app.
const VIRTUAL = path.join(import.meta.dirname, "__doc__", "Nodes.ts");

// Parsed files (the package source, the Blok and lib declarations), shared by the checks.
const parsedFiles = new Map<string, ts.SourceFile | undefined>();

/** Type-checks `source` as a module of a Blok app, against the published Blok types and this package's source. */
function typeErrors(source: string): string[] {
  const configFile = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, paths: { "@blok-ts/parallel-execution": [PACKAGE_ENTRY] } };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => file === VIRTUAL || fileExists.call(host, file);
  host.readFile = (file) => (file === VIRTUAL ? source : readFile.call(host, file));
  host.getSourceFile = (file, language, onError, create) => {
    if (file === VIRTUAL) return ts.createSourceFile(file, source, language, true);
    if (!parsedFiles.has(file)) parsedFiles.set(file, getSourceFile.call(host, file, language, onError, create));
    return parsedFiles.get(file);
  };
  const program = ts.createProgram([VIRTUAL], options, host);
  const file = program.getSourceFile(VIRTUAL)!;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((diagnostic) => {
    const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  });
}

describe("docs/blok-integration.md's registration snippet (a stock app's Nodes.ts)", () => {
  it("type-checks against @nanoservice-ts/runner 0.1.14 and @nanoservice-ts/shared 0.0.6", () => {
    expect(typeErrors(registrationSnippet())).toEqual([]);
  }, 60_000);

  it("uses no type assertion", () => {
    const source = ts.createSourceFile("Nodes.ts", registrationSnippet(), ts.ScriptTarget.Latest, true);
    const assertions: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) assertions.push(node.getText());
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(assertions).toEqual([]);
  });

  it("would be caught: a child resolver returning the app's NodeBase, which its Runner does not take, is a type error", () => {
    const wrong = registrationSnippet().replace(
      "createHostChildResolver(nodes, host)",
      "async (step) => nodes[step.node] ?? Promise.reject(new Error(step.node))",
    );
    expect(wrong).not.toBe(registrationSnippet());
    const errors = typeErrors(wrong);
    expect(errors.join("\n")).toMatch(/NodeBase.*NanoService/s);
  }, 60_000);
});
