import path from "node:path";
import { InvalidNodeError, type NodeBase, toNodeBase } from "../../blok/index.js";
import { findLocalNodeFile } from "./findLocalNodeFile.js";
import { importNodeModule, type ModuleNamespace } from "./importNodeModule.js";
import { LocalNodeLoadError } from "./errors.js";

/**
 * Loads local node `node` from `nodesDir` and returns a fresh instance, as Blok's `local` type does
 * (but also accepting ESM, `.ts` and handler-style nodes). The file is found with
 * `findLocalNodeFile`; its node is the default export (a `NodeBlok` class or instance, a class
 * with `handle`, or an object with `handle`; CommonJS `exports.default` included), or else the
 * module itself when it exports a `handle` function. Each call returns a new instance; the module
 * is imported (evaluated) once per process.
 *
 * @param node - the step's `node` field.
 * @param nodesDir - the nodes directory.
 * @returns a node instance owned by the caller.
 * @throws `LocalNodeNotFoundError` when no file matches; {@link LocalNodeLoadError} when the module
 * or its constructor throws (the original error is the `cause`); `InvalidNodeError` when it
 * exports no node.
 * @example
 * ```ts
 * const node = await loadLocalNode("sum", "./nodes");
 * ```
 */
export async function loadLocalNode(node: string, nodesDir: string): Promise<NodeBase> {
  const file = await locate(node, nodesDir);
  try {
    return toNodeBase(exportedNode(await importNodeModule(file)), `Local node '${node}' (${file})`);
  } catch (error) {
    if (error instanceof InvalidNodeError) throw error;
    throw new LocalNodeLoadError(node, file, error);
  }
}

function exportedNode(namespace: ModuleNamespace): unknown {
  const exported = namespace.default;
  // Compiled TypeScript (CommonJS) exposes `exports.default` under the namespace's default.
  if (isInteropWrapper(exported)) return exported.default;
  if (exported === undefined && typeof namespace.handle === "function") return namespace;
  return exported;
}

function isInteropWrapper(value: unknown): value is { default: unknown } {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return (value as { __esModule?: unknown }).__esModule === true && "default" in value;
}

// Where each node was found. Map mode resolves the same node for every batch; probing the disk
// each time cost about 1 ms per child. A failed lookup is forgotten, so a node added later is found.
const located = new Map<string, Promise<string>>();

function locate(node: string, nodesDir: string): Promise<string> {
  const key = `${path.resolve(nodesDir)}\0${node}`;
  let file = located.get(key);
  if (!file) {
    file = findLocalNodeFile(node, nodesDir);
    located.set(key, file);
    file.catch(() => located.delete(key));
  }
  return file;
}
