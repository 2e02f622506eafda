import { readFile } from "node:fs/promises";
import { locateJsonError } from "../runner/locateJsonError.js";
import { UsageError } from "./usageError.js";

/**
 * Reads `--body`: inline JSON, or `@path` to a JSON file.
 *
 * @throws {UsageError} naming the file or saying where the JSON is broken.
 */
export async function readBody(raw: string | undefined): Promise<unknown> {
  if (raw === undefined) return undefined;
  let text = raw;
  let source = "--body";
  if (raw.startsWith("@")) {
    const file = raw.slice(1);
    source = `--body file ${file}`;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new UsageError(`Cannot read ${source}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // Node 20's message gives no position for a truncated document: say where, as for workflows.
    const at = locateJsonError(text);
    if (!at) throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
    const found = at.found === undefined ? "unexpected end of input" : `unexpected ${JSON.stringify(at.found)}`;
    throw new UsageError(`${source} is not valid JSON at line ${at.line}, column ${at.column}: ${found}`);
  }
}
