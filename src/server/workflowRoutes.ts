import { readdir } from "node:fs/promises";
import path from "node:path";
import { loadWorkflow, type Workflow } from "../runner/index.js";

/** Paths the server keeps for itself: no workflow file may take them. */
export const RESERVED_NAMES = ["runs", "health-check", "metrics"] as const;

/** One workflow file served over HTTP. */
export interface WorkflowRoute {
  /** The URL segment: the file name without its extension, as Blok's trigger finds `<segment>.json`. */
  readonly name: string;
  readonly file: string;
  readonly workflow: Workflow;
  /**
   * `trigger.http`, when the workflow has one: `method` (case-insensitive, `*` any) and the
   * path pattern matched against what follows the workflow segment.
   */
  readonly http?: { readonly method: string; readonly path: string; readonly match: (rest: string) => Record<string, string> | undefined };
}

/** A workflow folder the server cannot serve: a reserved or duplicate name. */
export class WorkflowFolderError extends Error {
  override readonly name = "WorkflowFolderError";
}

/**
 * Loads every `.json`, `.yaml` and `.yml` file of a folder (not its subfolders) as a workflow
 * served at `/<file name>`. A file that fails to load stops the server from starting: its error
 * names the file and the problem.
 *
 * @throws `WorkflowLoadError` / `InvalidWorkflowError` for a bad file; {@link WorkflowFolderError}
 * when two files share a name or one takes a reserved path.
 */
export async function loadWorkflowRoutes(dir: string): Promise<Map<string, WorkflowRoute>> {
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.(json|ya?ml)$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const routes = new Map<string, WorkflowRoute>();
  for (const fileName of files) {
    const name = fileName.replace(/\.(json|ya?ml)$/i, "");
    const file = path.join(dir, fileName);
    if ((RESERVED_NAMES as readonly string[]).includes(name)) throw new WorkflowFolderError(`${file}: the path /${name} is the server's own; rename the file`);
    const other = routes.get(name);
    if (other) throw new WorkflowFolderError(`${file} and ${other.file} would both be served at /${name}; rename one`);
    const workflow = await loadWorkflow(file);
    routes.set(name, { name, file, workflow, ...httpTrigger(workflow) });
  }
  return routes;
}

function httpTrigger(workflow: Workflow): Pick<WorkflowRoute, "http"> {
  const http = workflow.trigger?.http as { method?: unknown; path?: unknown } | undefined;
  if (!http || typeof http !== "object") return {};
  const method = typeof http.method === "string" ? http.method.toUpperCase() : "*";
  const pattern = typeof http.path === "string" && http.path !== "" ? http.path : "/";
  return { http: { method, path: pattern, match: compilePathPattern(pattern) } };
}

/**
 * Compiles a route pattern as Blok's trigger (Express) reads `trigger.http.path`: `/:name`
 * segments, optional `/:name?` segments and `*` (anything, kept as param `0`); a trailing slash
 * is optional. Parameter values are URL-decoded.
 *
 * @returns a matcher of the path after the workflow segment (`/` when there is none).
 */
export function compilePathPattern(pattern: string): (rest: string) => Record<string, string> | undefined {
  const names: string[] = [];
  let stars = 0;
  let source = "";
  for (const segment of pattern.split("/").filter((part) => part !== "")) {
    const param = /^:(\w+)(\?)?$/.exec(segment);
    if (param) {
      names.push(param[1]!);
      source += param[2] ? "(?:/([^/]+))?" : "/([^/]+)";
    } else if (segment === "*") {
      names.push(String(stars++));
      source += "(?:/(.*))?";
    } else {
      source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\*/g, ".*")}`;
    }
  }
  const regex = new RegExp(`^${source}/?$`, "i");
  return (rest) => {
    const found = regex.exec(rest);
    if (!found) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = found[i + 1];
      if (value !== undefined) params[name] = safeDecode(value);
    });
    return params;
  };
}

/** `decodeURIComponent`, or the text as it is when it is not valid percent-encoding. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
