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

/**
 * Thrown when a step runs but the workflow has no `nodes[<step name>]` entry. Blok fails here with
 * "Cannot read properties of undefined (reading 'inputs')"; this says what to add.
 */
export class MissingNodeConfigError extends Error {
  /** The step whose config is missing. */
  readonly step: string;

  /** @param step - the step name. */
  constructor(step: string) {
    super(`Node config for step '${step}' not found: add "${step}": {} (or its inputs) under the workflow's "nodes"`);
    this.name = "MissingNodeConfigError";
    this.step = step;
  }
}
