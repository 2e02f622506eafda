/**
 * Thrown when a workflow document has the wrong shape: no steps, a step without `name`, `node` or
 * `type`, a node config that is not an object, a condition without `steps`...
 * The message names the source and the path of the offending field, e.g.
 * `Invalid workflow flows/demo.json: steps[1] is missing 'node'`.
 */
export class InvalidWorkflowError extends Error {
  /** The workflow file, or `<inline workflow>`. */
  readonly source: string;
  /** Where in the document the problem is (`steps[1].node`), or `""` for the whole document. */
  readonly path: string;

  /**
   * @param source - the workflow file, or `<inline workflow>`.
   * @param path - the offending field's path.
   * @param problem - what is wrong with it.
   */
  constructor(source: string, path: string, problem: string) {
    super(`Invalid workflow ${source}: ${path ? `${path} ${problem}` : problem}`);
    this.name = "InvalidWorkflowError";
    this.source = source;
    this.path = path;
  }
}
