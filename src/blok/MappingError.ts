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
