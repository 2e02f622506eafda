"use strict";

const { extname } = require("node:path");
const { fileURLToPath, pathToFileURL } = require("node:url");

/**
 * Module namespaces already imported by this thread, by URL. A failed import is evicted, so the
 * next task retries it (a node file that was missing and appeared since then loads).
 * @type {Map<string, Promise<Record<string, unknown>>>}
 */
const modules = new Map();

const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);

/**
 * Loads (once per thread) the node module at `moduleUrl` and returns a function that runs one
 * call of its handler. Accepted shapes, looked up at `exportName`, else `default`, else a
 * module-level `handle` export:
 * - a class with a `handle` method: a fresh instance per call, like Blok's `local` nodes get per
 *   resolution, so instance state never leaks from one task to the next on a reused thread; its
 *   `name` field (Blok's `NodeBase.name`) is set to the node name when present;
 * - an object with a `handle` method (a registered instance): called as is;
 * - a plain function: it is the handler.
 *
 * `.ts`/`.mts`/`.cts` files go through tsx's `tsImport` (loaded lazily: plain JS never pays for it).
 *
 * @param {string} moduleUrl `file:` URL of the module
 * @param {string | undefined} exportName the export holding the node, when not the default
 * @param {string} nodeName the node's name in the workflow
 * @returns {Promise<(ctx: unknown, inputs: unknown) => unknown>}
 */
async function loadHandler(moduleUrl, exportName, nodeName) {
  const exported = interopExports(await importOnce(moduleUrl));
  const candidate = exportName !== undefined ? exported[exportName] : (exported.default ?? exported.handle);
  if (typeof candidate === "function" && typeof candidate.prototype?.handle === "function") {
    return (ctx, inputs) => {
      const node = new candidate();
      if ("name" in node) node.name = nodeName;
      return node.handle(ctx, inputs);
    };
  }
  if (typeof candidate === "object" && candidate !== null && typeof candidate.handle === "function") {
    return (ctx, inputs) => candidate.handle(ctx, inputs);
  }
  if (typeof candidate === "function") return candidate;
  const where = exportName !== undefined ? `export '${exportName}'` : "the default export or a 'handle' export";
  throw new TypeError(
    `Cannot find a node handler in ${fileURLToPath(moduleUrl)}: ${where} must be a class with a handle(ctx, inputs) method, an object with one, or a function; found ${typeof candidate}`,
  );
}

function importOnce(moduleUrl) {
  let loading = modules.get(moduleUrl);
  if (loading === undefined) {
    loading = importModule(moduleUrl);
    loading.catch(() => modules.delete(moduleUrl));
    modules.set(moduleUrl, loading);
  }
  return loading;
}

async function importModule(moduleUrl) {
  if (!TYPESCRIPT.has(extname(new URL(moduleUrl).pathname))) return import(moduleUrl);
  // import(), not require(): tsx's CommonJS build of this entry point does not load.
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(moduleUrl, pathToFileURL(__filename).href);
}

/**
 * A CommonJS module (or a `.ts` file compiled as CommonJS by tsx outside a `"type": "module"`
 * package) arrives as `{ default: module.exports }`; when that object is an ES-module shim
 * (`__esModule`), its own exports are the real ones.
 */
function interopExports(namespace) {
  const inner = namespace.default;
  return typeof inner === "object" && inner !== null && inner.__esModule === true ? inner : namespace;
}

module.exports = { loadHandler };
