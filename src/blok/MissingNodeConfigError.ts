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
