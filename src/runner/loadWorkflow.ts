import { readFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import { locateJsonError } from "./locateJsonError.js";
import { validateWorkflow } from "./validateWorkflow.js";
import type { Workflow } from "./Workflow.js";
import { WorkflowLoadError } from "./errors.js";

/**
 * Reads, parses and validates a workflow file: `.json` as JSON, `.yaml`/`.yml` as YAML.
 *
 * @param file - path of the workflow file.
 * @returns the validated workflow.
 * @throws {@link WorkflowLoadError} when the file is unreadable, has another extension, or is
 * malformed (with line and column); `InvalidWorkflowError` when its shape is wrong (see
 * `validateWorkflow`).
 * @example
 * ```ts
 * const workflow = await loadWorkflow("workflows/pipeline.yaml");
 * ```
 */
export async function loadWorkflow(file: string): Promise<Workflow> {
  const parse = parserFor(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new WorkflowLoadError(file, `cannot read the file (${(error as Error).message})`, error);
  }
  return validateWorkflow(parse(text), file);
}

function parserFor(file: string): (text: string) => unknown {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".json") return (text) => parseJson(file, text);
  if (extension === ".yaml" || extension === ".yml") return (text) => parseYaml(file, text);
  throw new WorkflowLoadError(file, `unsupported file type '${extension || "(none)"}': use .json, .yaml or .yml`);
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's own message quotes the whole text on Node 20 and gives no position; say where instead.
    const position = locateJsonError(text);
    const problem = position
      ? `malformed JSON at line ${position.line}, column ${position.column}: ${position.found === undefined ? "unexpected end of input" : `unexpected ${JSON.stringify(position.found)}`}`
      : `malformed JSON: ${(error as Error).message}`;
    throw new WorkflowLoadError(file, problem, error);
  }
}

function parseYaml(file: string, text: string): unknown {
  try {
    return YAML.parse(text);
  } catch (error) {
    // The yaml parser's message already ends in "at line L, column C" followed by a code frame.
    const [firstLine] = (error as Error).message.split("\n");
    throw new WorkflowLoadError(file, `malformed YAML: ${firstLine?.replace(/:$/, "")}`, error);
  }
}
