import { InvalidOptionsError, type OptionIssue } from "../core/index.js";
import { type ContainerConfig, containerConfigSchema } from "./containerSchema.js";

const CONTAINER_KEYS = ["execution", "nodes", "map"] as const;

function pickContainerKeys(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const source = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of CONTAINER_KEYS) if (key in source) picked[key] = source[key];
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/**
 * Finds and validates a container's config. It may sit under `inputs` (where Blok maps and
 * passes it to `handle`) or, as in the seed task, at the top of the step's node config
 * (`nodes[<step>].execution / .nodes / .map`); not both.
 *
 * @param stepName - the container's step name, for messages.
 * @param inputs - what `handle` received.
 * @param nodeConfig - `ctx.config[stepName]`.
 * @returns the filled config.
 * @throws {InvalidOptionsError} naming each field, rule and value.
 */
export function readContainerConfig(stepName: string, inputs: unknown, nodeConfig: unknown): ContainerConfig {
  const subject = `parallel-execution config of step '${stepName}'`;
  const fromInputs = pickContainerKeys(inputs);
  const fromTop = pickContainerKeys(nodeConfig);
  if (fromInputs && fromTop) {
    throw new InvalidOptionsError(subject, [
      { path: "", rule: 'is declared both under "inputs" and at the top of the node config; keep one', received: Object.keys(fromTop).join(", ") },
    ]);
  }
  // Everything under `inputs` belongs to the container, so unknown keys there are reported.
  // Inputs without any container key are parsed too, unless the config sits at the top: a
  // misspelt key ("nodez") or an unresolved expression is then named instead of "nothing found".
  const inputsGiven = inputs !== undefined && inputs !== null && !isEmptyObject(inputs);
  const raw = fromInputs || (inputsGiven && !fromTop) ? inputs : fromTop;
  if (raw === undefined) {
    throw new InvalidOptionsError(subject, [
      { path: "", rule: 'needs "nodes" (a list of children) or "map" (map / batch mode), with optional "execution", under "inputs" or at the top of the node config', received: "nothing" },
    ]);
  }
  // zod copies every array it parses: `map.items` (a million items, say) is checked as an empty
  // stand-in, and the caller's array is put back into the result.
  const items = (raw as { map?: { items?: unknown } }).map?.items;
  const parsed = containerConfigSchema.safeParse(Array.isArray(items) ? withItems(raw as { map: object }, []) : raw);
  if (!parsed.success) throw InvalidOptionsError.fromZod(parsed.error, raw, subject);
  // With the config at the top, anything under `inputs` would be silently ignored (a misplaced
  // or misspelt option): report it like an unknown key.
  if (raw === fromTop && inputsGiven) {
    const stray = typeof inputs === "object" && !Array.isArray(inputs) ? Object.keys(inputs) : [];
    throw new InvalidOptionsError(
      subject,
      stray.length > 0
        ? stray.map((key) => ({ path: `inputs.${key}`, rule: "is not a known field (the config is at the top of the node config)", received: describe((inputs as Record<string, unknown>)[key]) }))
        : [{ path: "inputs", rule: "must be left out when the config is at the top of the node config", received: describe(inputs) }],
    );
  }
  const issues = semanticIssues(stepName, parsed.data);
  if (issues.length > 0) throw new InvalidOptionsError(subject, issues);
  if (parsed.data.map && Array.isArray(items)) parsed.data.map.items = items;
  return parsed.data;
}

function withItems(raw: { map: object }, items: unknown[]): unknown {
  return { ...raw, map: { ...raw.map, items } };
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Rules a JSON schema cannot state: unique child names and isolation only where it means
 * something. (A failure budget only with continue-partial is the core's rule, part of the schema.)
 */
function semanticIssues(stepName: string, config: ContainerConfig): OptionIssue[] {
  const issues: OptionIssue[] = [];
  const descriptors = config.nodes ?? (config.map ? [config.map.node] : []);
  const prefix = config.nodes ? "nodes" : "map.node";
  const seen = new Set<string>();
  descriptors.forEach((child, i) => {
    const at = config.nodes ? `${prefix}[${i}]` : prefix;
    if (child.name === stepName) issues.push({ path: `${at}.name`, rule: "must differ from the container's own step name", received: JSON.stringify(child.name) });
    if (seen.has(child.name)) issues.push({ path: `${at}.name`, rule: "must be unique among the children (it keys the child's config)", received: JSON.stringify(child.name) });
    seen.add(child.name);
    if (child.isolation !== undefined && child.type !== "local") {
      issues.push({ path: `${at}.isolation`, rule: 'applies to "local" children only', received: JSON.stringify(child.isolation) });
    }
  });
  return issues;
}
