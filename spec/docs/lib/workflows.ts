import { parse as parseYaml } from "yaml";
import { CONTAINER_KEYS } from "../../../src/composition/createEnvironment.js";
import { readContainerConfig } from "../../../src/node/readContainerConfig.js";
import { validateWorkflow } from "../../../src/runner/validateWorkflow.js";
import type { CodeBlock } from "./markdown.js";

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const isContainerNode = (node: unknown): boolean => (CONTAINER_KEYS as readonly unknown[]).includes(node);

/** Parses a ```json or ```yaml block; a syntax error is a problem to report. */
export function parseDataBlock(block: CodeBlock): { value: unknown } | { problem: string } {
  try {
    return { value: block.lang === "json" ? JSON.parse(block.body) : parseYaml(block.body) };
  } catch (error) {
    return { problem: `not valid ${block.lang.toUpperCase()} (${(error as Error).message}); a partial document is fenced as \`${block.lang} fragment\`` };
  }
}

/** A complete workflow document: an object with a `steps` list. */
export function isWorkflow(value: unknown): value is Fields {
  return isFields(value) && Array.isArray(value.steps);
}

/** A bare container config (what sits under a container step's node config): `execution`, a `nodes` list or `map`. */
export function isContainerConfig(value: unknown): value is Fields {
  return isFields(value) && !("steps" in value) && ("execution" in value || Array.isArray(value.nodes) || "map" in value);
}

/**
 * Validates a workflow the way the runner does before it runs (its shape), then every
 * parallel-execution container in it, nested containers included, against the container's
 * schema (the zod schema `config.json` is generated from, plus the rules it cannot state).
 *
 * @returns the problems, each naming the step.
 */
export function checkWorkflow(workflow: unknown): string[] {
  try {
    validateWorkflow(workflow, "<doc block>");
  } catch (error) {
    return [(error as Error).message];
  }
  const { steps, nodes = {} } = workflow as { steps: Fields[]; nodes?: Fields };
  const problems: string[] = [];
  const visit = (step: Fields, seen: Set<string>): void => {
    const name = String(step.name);
    if (!isContainerNode(step.node) || seen.has(name)) return;
    seen.add(name);
    const config = nodes[name];
    try {
      const container = readContainerConfig(name, isFields(config) ? config.inputs : undefined, config);
      for (const child of container.nodes ?? []) visit(child as unknown as Fields, seen);
    } catch (error) {
      problems.push((error as Error).message);
    }
  };
  const seen = new Set<string>();
  for (const step of steps) visit(step, seen);
  for (const config of Object.values(nodes)) {
    for (const nested of isFields(config) && Array.isArray(config.steps) ? config.steps : []) visit(nested as Fields, seen);
  }
  return problems;
}

/** Validates a bare container config block. */
export function checkContainerConfig(config: Fields): string[] {
  try {
    readContainerConfig("<doc block>", undefined, config);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
