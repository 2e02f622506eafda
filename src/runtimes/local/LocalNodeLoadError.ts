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
