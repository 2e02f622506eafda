import { InvalidWorkflowError } from "./errors.js";
import type { Workflow } from "./Workflow.js";

type Fields = Record<string, unknown>;

const REQUIRED_STEP_FIELDS = ["name", "node", "type"] as const;
const BOOLEAN_STEP_FIELDS = ["active", "stop", "set_var"] as const;

/**
 * Checks that `value` is a runnable workflow document: a non-empty `steps` array of
 * `{ name, node, type }` entries (`active`/`stop`/`set_var` booleans when present), and `nodes`,
 * when present, an object of object configs whose nested step lists (`steps`, each condition's
 * `steps`, `try.steps` + `catch.steps`) are valid too. Stock Blok crashes on most of these with a
 * TypeError at init or run time; here the message names the field.
 *
 * @param value - the parsed document.
 * @param source - the file it came from (or `<inline workflow>`), for messages.
 * @returns `value`, typed.
 * @throws {@link InvalidWorkflowError} naming the first offending field.
 * @example
 * ```ts
 * validateWorkflow({ steps: [] }, "inline"); // throws "... Workflow must have at least one step"
 * ```
 */
export function validateWorkflow(value: unknown, source: string): Workflow {
  const fail = (path: string, problem: string): never => {
    throw new InvalidWorkflowError(source, path, problem);
  };

  const checkSteps = (steps: unknown[], path: string): void => {
    steps.forEach((step, index) => {
      const at = `${path}[${index}]`;
      if (!isFields(step)) fail(at, "must be an object with name, node and type");
      const fields = step as Fields;
      for (const key of REQUIRED_STEP_FIELDS) {
        if (!(key in fields)) fail(at, `is missing '${key}'`);
        if (typeof fields[key] !== "string" || fields[key] === "") fail(`${at}.${key}`, "must be a non-empty string");
      }
      for (const key of BOOLEAN_STEP_FIELDS) {
        if (key in fields && typeof fields[key] !== "boolean") fail(`${at}.${key}`, "must be true or false");
      }
    });
  };

  const checkNodeConfig = (config: unknown, path: string): void => {
    if (!isFields(config)) return fail(path, "must be an object (use {} for a step without inputs)");
    if (Array.isArray(config.steps)) return checkSteps(config.steps, `${path}.steps`);
    if (Array.isArray(config.conditions)) {
      return config.conditions.forEach((condition, index) => {
        const at = `${path}.conditions[${index}]`;
        if (!isFields(condition) || !Array.isArray(condition.steps)) fail(at, "must be an object with a 'steps' array");
        checkSteps((condition as Fields).steps as unknown[], `${at}.steps`);
      });
    }
    const tryBlock = stepsOf(config.try);
    const catchBlock = stepsOf(config.catch);
    if (tryBlock && catchBlock) {
      checkSteps(tryBlock, `${path}.try.steps`);
      checkSteps(catchBlock, `${path}.catch.steps`);
    }
  };

  if (!isFields(value)) return fail("", `the document must be an object, got ${value === null ? "null" : typeof value}`);
  // Missing or empty: Blok's own words. Present but not a list: say so, naming the field.
  if (value.steps !== undefined && !Array.isArray(value.steps)) return fail("steps", `must be an array of steps, got ${describeType(value.steps)}`);
  if (!Array.isArray(value.steps) || value.steps.length === 0) return fail("", "Workflow must have at least one step");
  checkSteps(value.steps, "steps");
  if (value.nodes !== undefined) {
    if (!isFields(value.nodes)) return fail("nodes", "must be an object keyed by step name");
    for (const [name, config] of Object.entries(value.nodes)) checkNodeConfig(config, `nodes.${name}`);
  }
  return value as Workflow;
}

/** @returns the `steps` array of a `{ steps: [...] }` block, or `undefined`. */
export function stepsOf(block: unknown): unknown[] | undefined {
  return isFields(block) && Array.isArray(block.steps) ? block.steps : undefined;
}

function describeType(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
