/**
 * Thrown when a step's config cannot be mapped at all (as opposed to an expression that throws,
 * which Blok's mapper swallows and leaves the string in place). Names the step and the field.
 */
export class MappingError extends Error {
  /**
   * @param step - the step whose config was being mapped (`"(unnamed)"` when mapping a bare value).
   * @param field - where in the node config, e.g. `inputs.items[2].name`.
   * @param problem - what is wrong.
   */
  constructor(
    readonly step: string,
    readonly field: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Step '${step}': field '${field}' cannot be mapped: ${problem}`, options);
    this.name = "MappingError";
  }
}

/**
 * Thrown when a `js/` or `${...}` expression of a workflow does not return within the
 * expression time limit (default 1,000 ms; `expressionTimeoutMs`, `--expression-timeout-ms`,
 * `BLOK_EXPRESSION_TIMEOUT_MS`). The expression was interrupted: nothing of it keeps running.
 */
export class ExpressionTimeoutError extends Error {
  /**
   * @param step - the step whose config was being mapped (or whose condition was evaluated).
   * @param field - where in the node config, e.g. `inputs.total`; or the expression itself when no field is known.
   * @param limitMs - the limit that was exceeded.
   */
  constructor(
    readonly step: string,
    readonly field: string,
    readonly limitMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Step '${step}': the expression in field '${field}' did not finish within the expression time limit of ${limitMs} ms ` +
        "(raise it with --expression-timeout-ms or BLOK_EXPRESSION_TIMEOUT_MS)",
      options,
    );
    this.name = "ExpressionTimeoutError";
  }
}
