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

/**
 * Thrown when a workflow file cannot be read or parsed. The message names the file and, for
 * malformed content, the line and column; the original error is the `cause`.
 */
export class WorkflowLoadError extends Error {
  /** The workflow file as given. */
  readonly file: string;

  /**
   * @param file - the workflow file as given.
   * @param problem - what went wrong, one line.
   * @param cause - the underlying error, if any.
   */
  constructor(file: string, problem: string, cause?: unknown) {
    super(`Cannot load workflow ${file}: ${problem}`, cause === undefined ? undefined : { cause });
    this.name = "WorkflowLoadError";
    this.file = file;
  }
}

/** A workflow step (or a nested one) could not be resolved: names the step, the workflow and the cause. */
export class StepResolutionError extends Error {
  override readonly name = "StepResolutionError";
  constructor(
    readonly step: string,
    readonly workflow: string,
    options: { cause: unknown },
  ) {
    super(`Step '${step}' of ${workflow} cannot be resolved: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}
