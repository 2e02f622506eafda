#!/usr/bin/env node
// Runs the built CLI when dist/ exists (an installed package), else the TypeScript sources
// through tsx (a fresh clone: no build step needed).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const built = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
let entry;
if (existsSync(built)) {
  entry = await import(pathToFileURL(built).href);
} else {
  const { tsImport } = await import("tsx/esm/api");
  entry = await tsImport("../src/cli/main.ts", import.meta.url);
}
process.exitCode = await entry.main(process.argv.slice(2));
