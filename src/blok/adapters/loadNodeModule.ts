import type { NodeBase } from "../contracts/NodeBase.js";
import { importNodeModule } from "./importNodeModule.js";
import { nodeExport } from "./nodeExport.js";
import { toNodeBase } from "./toNodeBase.js";

/**
 * Loads the node a module file offers and returns a fresh runnable instance: the one loading rule
 * of a `local` child, whether it runs inline (`loadLocalNode`) or in a worker thread. The module
 * is imported once per process or thread ({@link importNodeModule}); {@link nodeExport} picks the
 * export; {@link toNodeBase} decides whether it is a node (a `NodeBlok` class or instance, a class
 * with `handle`, an object with `handle`; not a plain function, which Blok cannot instantiate as a
 * node) and makes the instance.
 *
 * @param file - absolute path of the module.
 * @param node - the step's `node` field, for error messages.
 * @param exportName - the export holding the node, when not the default one.
 * @returns a node instance owned by the caller.
 * @throws `InvalidNodeError` when the export is not a node; whatever importing the module or
 * the class constructor throws.
 * @example
 * ```ts fragment
 * const sum = await loadNodeModule("/app/nodes/sum/index.js", "sum");
 * ```
 */
export async function loadNodeModule(file: string, node: string, exportName?: string): Promise<NodeBase> {
  const where = exportName === undefined ? file : `${file}, export '${exportName}'`;
  return toNodeBase(nodeExport(await importNodeModule(file), exportName), `Local node '${node}' (${where})`);
}
