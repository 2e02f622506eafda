import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { LocalNodeLoadError } from "./errors.js";
import { LocalNodeNotFoundError } from "./errors.js";

const EXTENSIONS = [".js", ".mjs", ".ts"] as const;

/**
 * Finds the file implementing local node `node` under `nodesDir`, trying in order:
 * the folder's `package.json` `main` (as is, with each extension, or as a folder with an index),
 * `<node>/index.js|mjs|ts`, then `<node>.js|mjs|ts`.
 *
 * @param node - the step's `node` field (may contain `/`, e.g. `group/sum@1.0.0`).
 * @param nodesDir - the nodes directory (relative paths resolve against the working directory).
 * @returns the absolute path of the first existing candidate.
 * @throws {@link LocalNodeNotFoundError} listing every candidate when none exists;
 * {@link LocalNodeLoadError} when the folder's `package.json` is unreadable or malformed.
 * @example
 * ```ts
 * await findLocalNodeFile("sum", "./nodes"); // "/app/nodes/sum/index.js"
 * ```
 */
export async function findLocalNodeFile(node: string, nodesDir: string): Promise<string> {
  const root = path.resolve(nodesDir);
  const base = path.join(root, node);
  const candidates = [
    ...(await mainCandidates(node, base)),
    ...EXTENSIONS.map((extension) => path.join(base, `index${extension}`)),
    ...EXTENSIONS.map((extension) => `${base}${extension}`),
  ];
  for (const candidate of candidates) {
    if (await isFile(candidate)) return candidate;
  }
  throw new LocalNodeNotFoundError(
    node,
    root,
    candidates.map((candidate) => path.relative(root, candidate)),
  );
}

async function mainCandidates(node: string, folder: string): Promise<string[]> {
  const manifestPath = path.join(folder, "package.json");
  let text: string;
  try {
    text = await readFile(manifestPath, "utf8");
  } catch (error) {
    if (isMissing(error)) return [];
    throw new LocalNodeLoadError(node, manifestPath, error);
  }
  let main: unknown;
  try {
    main = (JSON.parse(text) as { main?: unknown }).main;
  } catch (error) {
    throw new LocalNodeLoadError(node, manifestPath, error);
  }
  if (typeof main !== "string" || main === "") return [];
  const entry = path.resolve(folder, main);
  return [
    entry,
    ...EXTENSIONS.map((extension) => `${entry}${extension}`),
    ...EXTENSIONS.map((extension) => path.join(entry, `index${extension}`)),
  ];
}

async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
