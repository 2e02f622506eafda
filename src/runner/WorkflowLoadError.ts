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
