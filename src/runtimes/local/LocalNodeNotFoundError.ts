/**
 * Thrown when a `local` step's node cannot be found: either no file matched in the nodes directory,
 * or no nodes directory was configured at all.
 */
export class LocalNodeNotFoundError extends Error {
  /** The step's `node` field. */
  readonly node: string;
  /** The directory searched, absolute; `undefined` when none was configured. */
  readonly nodesDir: string | undefined;
  /** Every path tried, in order. */
  readonly tried: readonly string[];

  /**
   * @param node - the step's `node` field.
   * @param nodesDir - the absolute directory searched, or `undefined` when none was configured.
   * @param tried - the candidate paths, relative to `nodesDir`.
   */
  constructor(node: string, nodesDir: string | undefined, tried: readonly string[] = []) {
    super(
      nodesDir === undefined
        ? `Local node '${node}' needs a nodes directory: pass nodesDir (CLI: --nodes) or set NODES_PATH`
        : `Local node '${node}' not found in ${nodesDir} (tried: ${tried.join(", ")})`,
    );
    this.name = "LocalNodeNotFoundError";
    this.node = node;
    this.nodesDir = nodesDir;
    this.tried = tried;
  }
}
