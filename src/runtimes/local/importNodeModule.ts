import { pathToFileURL } from "node:url";
import { importPeer } from "../../peers/index.js";

/** A module namespace as `import()` returns it. */
export type ModuleNamespace = Record<string, unknown>;

// tsx's `tsImport` evaluates the file anew on every call; cache so a TypeScript node module is
// evaluated once per process, as a natively imported one is.
const typeScriptModules = new Map<string, Promise<ModuleNamespace>>();

/**
 * Imports a node module by absolute path. `.js`/`.mjs` (ESM or CommonJS) use the native `import()`;
 * a `.ts` file does too when a TypeScript-aware loader is active (vitest, `tsx` CLI), and otherwise
 * falls back to `tsx`'s `tsImport`, which must then be installed.
 *
 * @param file - absolute path of the module.
 * @returns the module namespace.
 * @throws whatever importing the module throws; a `MissingPeerError` naming `tsx` when a `.ts` file
 * needs it and it is not installed.
 */
export async function importNodeModule(file: string): Promise<ModuleNamespace> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(/* @vite-ignore */ url)) as ModuleNamespace;
  } catch (error) {
    if (!file.endsWith(".ts") || (error as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
  }
  let loading = typeScriptModules.get(url);
  if (!loading) {
    loading = importWithTsx(url);
    typeScriptModules.set(url, loading);
    // A failed load is not cached, so fixing the file and retrying works.
    loading.catch(() => typeScriptModules.delete(url));
  }
  return loading;
}

async function importWithTsx(url: string): Promise<ModuleNamespace> {
  const { tsImport } = await importPeer<typeof import("tsx/esm/api")>("tsx/esm/api", `loading the TypeScript node ${url} outside a TypeScript-aware runtime`);
  return (await tsImport(url, url)) as ModuleNamespace;
}
