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
