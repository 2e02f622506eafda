#!/usr/bin/env node
// In a checkout (src/ present) runs the TypeScript sources through tsx, so a fresh clone needs no
// build and an old dist/ never shadows edited sources; an installed package (dist/ only) runs the
// built CLI.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const sources = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
let entry;
if (existsSync(sources)) {
  const { tsImport } = await import("tsx/esm/api");
  entry = await tsImport("../src/cli/main.ts", import.meta.url);
} else {
  entry = await import("../dist/cli.js");
}
const code = await entry.main(process.argv.slice(2));
// main() has printed its document and closed every runtime it started. What may still hold the
// event loop is a node that ignored its abort (cancelled, timed out, interrupted): the command is
// over, so exit once stdout is flushed instead of waiting for it.
process.stdout.write("", () => process.exit(code));
