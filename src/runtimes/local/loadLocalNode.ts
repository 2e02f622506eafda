import path from "node:path";
import { InvalidNodeError, loadNodeModule, type NodeBase } from "../../blok/index.js";
import { findLocalNodeFile } from "./findLocalNodeFile.js";
import { LocalNodeLoadError } from "./errors.js";

/**
 * Loads local node `node` from `nodesDir` and returns a fresh instance, as Blok's `local` type does
 * (but also accepting ESM, `.ts` and handler-style nodes). The file is found with
 * `findLocalNodeFile`; what it exports and what counts as a node is `loadNodeModule`'s rule, the
 * same one a worker thread applies. Each call returns a new instance; the module is imported
 * (evaluated) once per process.
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
    return await loadNodeModule(file, node);
  } catch (error) {
    if (error instanceof InvalidNodeError) throw error;
    throw new LocalNodeLoadError(node, file, error);
  }
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
