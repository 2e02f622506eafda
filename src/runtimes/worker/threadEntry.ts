import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WorkerEntryLoadError } from "./errors.js";

/** The thread entry's source, from which both the built file and the source-mode bundle come. */
const SOURCE = new URL("./thread/workerEntry.ts", import.meta.url);
/** The built entry's name in `dist/` (tsup.config.ts, entry `worker-thread`). */
const BUILT = "worker-thread.cjs";

let located: string | undefined;

/**
 * The file piscina loads in every pool thread: one CommonJS bundle of `thread/workerEntry.ts` and
 * the blok adapters it shares with the inline path.
 *
 * - Built package: `dist/worker-thread.cjs`, found beside the bundle running this code or one
 *   folder up (subpath bundles live in `dist/<subpath>/`).
 * - From source (vitest, tsx, the CLI in a checkout): bundled once per process with esbuild (a
 *   dependency of tsx, tsup and vitest, so present wherever `.ts` sources run) into
 *   `node_modules/.cache/@blok-ts/parallel-execution/`, named by a hash of its content. Not
 *   the `.ts` file through tsx in each thread: a loader registered per thread about triples
 *   thread start-up (docs/bench/workers.md), which a bundle built once does not pay.
 *
 * @returns the absolute path of the entry
 * @throws {Error} when a built package lacks the entry, naming where it looked
 * @throws {@link WorkerEntryLoadError} when the entry cannot load
 */
export function threadEntryFile(): string {
  located ??= verifyThreadEntry(isSource() ? bundleFromSource() : findBuilt());
  return located;
}

/**
 * Loads the entry once in this thread, where a failure can be reported: a thread whose entry
 * throws at load makes piscina emit a pool `error` and leave the task waiting for a thread that
 * never starts, so a broken entry would stall every worker child until its timeout. The entry
 * has no side effects at load (it defines the task function), and the cost is paid once per process.
 *
 * @param file - the entry to check.
 * @returns `file`.
 * @throws {@link WorkerEntryLoadError} naming the file and what loading it threw.
 */
export function verifyThreadEntry(file: string): string {
  try {
    createRequire(import.meta.url)(file);
  } catch (cause) {
    throw new WorkerEntryLoadError(file, cause);
  }
  return file;
}

function isSource(): boolean {
  return /\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
}

function findBuilt(): string {
  const candidates = [new URL(`./${BUILT}`, import.meta.url), new URL(`../${BUILT}`, import.meta.url)].map((url) => fileURLToPath(url));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`Cannot find the worker-thread entry of @blok-ts/parallel-execution (looked for ${candidates.join(" and ")}); rebuild the package`);
  return found;
}

function bundleFromSource(): string {
  const require = createRequire(import.meta.url);
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const [output] = buildSync({
    entryPoints: [fileURLToPath(SOURCE)],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    // A CommonJS bundle has no import.meta: give modules that resolve from their own location
    // (the optional-peer loader) the bundle's file URL, as tsup's shims do in the built package.
    define: { "import.meta.url": "__bundleFileUrl" },
    banner: { js: 'const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
    write: false,
    logLevel: "silent",
  }).outputFiles;
  const code = (output as { text: string }).text;
  // Inside the checkout, so the bundle's external packages resolve from its node_modules.
  const directory = fileURLToPath(new URL("../../../node_modules/.cache/@blok-ts/parallel-execution/", import.meta.url));
  const file = path.join(directory, `worker-thread-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(directory, { recursive: true });
    // Written aside and renamed: processes starting pools at once never load a half-written file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}
