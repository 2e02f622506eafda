import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./importGraph.js";

// A function a reader cannot hold on one screen hides its concepts; past this size it is split
// into named pieces (or an object, as core's ChildRun and Run are).
const MAX_LINES = 90;

function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      const name = "name" in node && node.name !== undefined ? node.name.getText(source) : "<anonymous>";
      if (lines > MAX_LINES) found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("function size", () => {
  it(`no function in src/ is longer than ${MAX_LINES} lines`, () => {
    expect(sourceFiles("src").filter((file) => file.endsWith(".ts")).flatMap(longFunctions)).toEqual([]);
  });
});
