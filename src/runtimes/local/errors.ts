/**
 * Thrown when a local node's file was found but could not be used: its `package.json` is
 * malformed, importing it threw, or its constructor threw. The original error is the `cause`.
 */
export class LocalNodeLoadError extends Error {
  /** The step's `node` field. */
  readonly node: string;
  /** The file that failed. */
  readonly file: string;

  /**
   * @param node - the step's `node` field.
   * @param file - the absolute path that failed.
   * @param cause - what went wrong.
   */
  constructor(node: string, file: string, cause: unknown) {
    super(`Local node '${node}' failed to load from ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "LocalNodeLoadError";
    this.node = node;
    this.file = file;
  }
}

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
