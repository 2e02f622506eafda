import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { NodeBase } from "@nanoservice-ts/shared";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const DOC_PATH = path.join(ROOT, "docs/blok-integration.md");
export const PACKAGE_ENTRY = path.join(ROOT, "src/index.ts");

/** The `ts` blocks of a markdown text (not `ts fragment`), in order. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** The doc's registration snippet: the stock app's `Nodes.ts`, the one `ts` block that exports the nodes. */
export function registrationSnippet(): string {
  const found = tsBlocks(readFileSync(DOC_PATH, "utf8")).filter((block) => block.includes("export default nodes"));
  if (found.length !== 1) throw new Error(`docs/blok-integration.md must hold exactly one ts block with "export default nodes"; found ${found.length}`);
  return found[0]!;
}

/**
 * Imports the doc's snippet as a module (a stock app's `Nodes.ts`), with the package's import
 * pointed at this checkout's source. The file sits in a temporary folder inside the repository, so
 * `@nanoservice-ts/*` resolve from its node_modules as in an app.
 */
export async function importRegistrationSnippet(): Promise<{ nodes: { [key: string]: NodeBase }; remove(): void }> {
  const dir = mkdtempSync(path.join(import.meta.dirname, ".snippet-"));
  const file = path.join(dir, "Nodes.ts");
  const source = registrationSnippet().replaceAll('"@blok-ts/parallel-execution"', JSON.stringify(PACKAGE_ENTRY));
  writeFileSync(file, source);
  try {
    const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default: { [key: string]: NodeBase } };
    return { nodes: module.default, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
