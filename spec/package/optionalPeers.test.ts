import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { MissingPeerError, OPTIONAL_PEERS, requirePeer } from "../../src/peers/index.js";
import { sourceFiles } from "../architecture/importGraph.js";

const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** Packages a file loads at run time (value imports, `import()`, `require()`), by specifier. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause?.isTypeOnly || (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteral(first)) found.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("optional peers", () => {
  const peers = Object.keys(OPTIONAL_PEERS).sort();

  it("are the package's optional peerDependencies, devDependencies in the same range, and no dependency", () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(peers);
    for (const peer of peers) {
      expect(manifest.peerDependenciesMeta[peer], peer).toEqual({ optional: true });
      expect(manifest.devDependencies[peer], peer).toBe(manifest.peerDependencies[peer]);
      expect(manifest.dependencies[peer], peer).toBeUndefined();
    }
  });

  it("are loaded only through requirePeer/importPeer: no TypeScript file under src/ imports one as a value", () => {
    const direct = sourceFiles("src")
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => runtimeImports(file).filter((specifier) => peers.some((peer) => specifier === peer || specifier.startsWith(`${peer}/`))).map((specifier) => `${file}: ${specifier}`));
    expect(direct).toEqual([]);
  });

  it("requirePeer returns the installed module", () => {
    expect(requirePeer<typeof import("piscina")>("piscina").Piscina).toBeTypeOf("function");
  });

  it("MissingPeerError names the missing packages, the feature and the install command", () => {
    const one = new MissingPeerError("piscina", 'the worker-thread runtime (isolation "worker")', "npm install piscina");
    expect(one).toMatchObject({ name: "MissingPeerError", peer: "piscina", missing: ["piscina"], install: "npm install piscina" });
    expect(one.message).toBe('the worker-thread runtime (isolation "worker") needs piscina; install it: npm install piscina');
    const two = new MissingPeerError("bullmq", "the queue backend", "npm install bullmq ioredis", ["bullmq", "ioredis"]);
    expect(two.message).toBe("the queue backend needs bullmq, ioredis; install them: npm install bullmq ioredis");
  });
});
