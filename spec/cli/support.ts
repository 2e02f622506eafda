import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const NODES = "spec/fixtures/nodes";
export const BIN = "bin/blok-parallel.mjs";

/** A relative path of a fixture workflow (the CLI runs with the repository as cwd). */
export function fixture(name: string): string {
  return `spec/fixtures/workflows/${name}.json`;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node bin/blok-parallel.mjs <args>` in the repository as a real subprocess and resolves
 * with its exit code and output, whatever the exit code. `NODES_PATH` is removed from the
 * environment unless given in `env`, so `--nodes` tests mean what they say.
 */
export function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const { NODES_PATH: _ignored, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { ...inherited, ...env }, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Parses stdout as exactly one JSON document followed by a newline. */
export function onlyDocument(stdout: string): unknown {
  if (!stdout.endsWith("\n") || stdout.slice(0, -1).includes("\n")) throw new Error(`stdout is not one JSON line: ${JSON.stringify(stdout.slice(0, 500))}`);
  return JSON.parse(stdout);
}

/** What an in-process `main()` wrote. */
export function captureIO(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text), isTTY, columns: 100 },
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

/** Bad input: the arguments, and the exact stderr paragraph (or a pattern for it). */
export const BAD_INPUT: [string, string[], RegExp | string][] = [
  ["a missing workflow file", ["run", "spec/fixtures/workflows/nope.json"], /^blok-parallel: Cannot load workflow spec\/fixtures\/workflows\/nope\.json: cannot read the file \(ENOENT/],
  ["malformed workflow JSON", ["run", fixture("bad-malformed")], `blok-parallel: Cannot load workflow ${fixture("bad-malformed")}: malformed JSON at line 5, column 3: unexpected "]"\n`],
  ["an invalid container config", ["run", fixture("bad-config"), "--nodes", NODES], "blok-parallel: Invalid parallel-execution config of step 'fan': execution.max_concurrent must be at most 20 (received 50)\n"],
  ["an unknown child node", ["run", fixture("bad-unknown-child"), "--nodes", NODES], "blok-parallel: Child 'ghost' of parallel-execution step 'fan' cannot be resolved: Node @acme/ghost not found\n"],
  ["an unknown local child", ["run", fixture("bad-unknown-local"), "--nodes", NODES], /^blok-parallel: Child 'missing' of parallel-execution step 'fan' cannot be resolved: Local node 'no-such-node' not found in /],
  ["local nodes without a nodes directory", ["run", fixture("order")], /^blok-parallel: Step 'report' of workflow .*order\.json cannot be resolved: Local node 'echo' needs a nodes directory: pass nodesDir \(CLI: --nodes\) or set NODES_PATH\n$/],
  ["an unknown step node", ["run", fixture("bad-unknown-step-node"), "--nodes", NODES], /^blok-parallel: Step '[^']+' of workflow .*bad-unknown-step-node\.json cannot be resolved: Node @acme\/loader not found\n$/],
  ["an unknown child type", ["run", fixture("bad-child-type"), "--nodes", NODES], `blok-parallel: Invalid parallel-execution config of step 'fan': nodes[1].type must be "module", "local" or "runtime.python3" (received "python")\n`],
  ["an unknown step type", ["run", fixture("bad-step-type"), "--nodes", NODES], /^blok-parallel: .*Node type python not found \(known types: [^)]*\)\n$/],
  ["map items that did not resolve", ["run", fixture("bad-map-items"), "--nodes", NODES], `blok-parallel: Invalid parallel-execution config of step 'each': map.items must be an array (or an expression that gives one) (received "js/ctx.vars.dataset.rows")\n`],
  ["bad --body JSON", ["run", fixture("order"), "--nodes", NODES, "--body", '{"ms": [0,'], "blok-parallel: --body is not valid JSON at line 1, column 11: unexpected end of input\n"],
  ["a --body file with bad JSON", ["run", fixture("order"), "--nodes", NODES, "--body", "@spec/fixtures/workflows/bad-malformed.json"], 'blok-parallel: --body file spec/fixtures/workflows/bad-malformed.json is not valid JSON at line 5, column 3: unexpected "]"\n'],
  ["a missing --body file", ["run", fixture("order"), "--nodes", NODES, "--body", "@spec/fixtures/missing-body.json"], "blok-parallel: Cannot read --body file spec/fixtures/missing-body.json: no such file\n"],
];
