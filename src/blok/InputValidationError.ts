/**
 * Thrown by `NodeBlok.validate` when a node's mapped inputs fail its `inputSchema`. The message is
 * what Blok reports: the validator's findings joined by ", ", e.g.
 * `instance.n is not of a type(s) number`.
 */
export class InputValidationError extends Error {
  /** One entry per schema violation, e.g. `instance.n is not of a type(s) number`. */
  readonly problems: readonly string[];

  /** @param problems - the violations, in the validator's order. */
  constructor(problems: readonly string[]) {
    super(problems.join(", "));
    this.name = "InputValidationError";
    this.problems = problems;
  }
}
