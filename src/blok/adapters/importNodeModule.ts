import { extname } from "node:path";
import { pathToFileURL } from "node:url";
import { importPeer } from "../../peers/index.js";
import type { ModuleNamespace } from "./nodeExport.js";

const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);

// tsx's `tsImport` evaluates the file anew on every call; cache so a TypeScript node module is
// evaluated once per process, as a natively imported one is.
const typeScriptModules = new Map<string, Promise<ModuleNamespace>>();

/**
 * Imports a node module by absolute path, for the inline path and the worker thread alike.
 * `.js`/`.mjs`/`.cjs` (ESM or CommonJS) use the native `import()`; a `.ts`/`.mts`/`.cts` file does
 * too when a TypeScript-aware loader is active (vitest, `tsx` CLI), and otherwise (a worker
 * thread, a built host) falls back to `tsx`'s `tsImport`, which must then be installed and is
 * loaded only then.
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
    if (!TYPESCRIPT.has(extname(file)) || (error as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
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
