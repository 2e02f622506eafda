import { execFile } from "node:child_process";
import { describe, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { BIN, type CliRun, captureIO, onlyDocument, REPO } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: output documents are checked field by field
type Any = any;

/** `heap.json`: continue-partial, one at a time: `hog` allocates until its thread dies, then `after` runs on a new thread. */
const HEAP_RUN = ["run", "spec/cli/fixtures/workflows/heap.json", "--nodes", "spec/cli/fixtures/nodes", "--progress", "none", "--workers", "1"];

/** Runs the CLI as a subprocess with Node flags before the script, as an operator's `node --flag bin/...` does. */
function cliWithNodeFlags(nodeFlags: readonly string[], args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, BIN, ...args], { cwd: REPO, timeout: 90_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const heapMessage = (mb: number) => `Worker thread running node "hog" exceeded its ${mb} MB heap limit (raise it with --worker-heap-mb or the pool's maxHeapMb)`;

describe.concurrent("blok-parallel run (subprocess): worker threads", { timeout: 90_000 }, () => {
  it("under --max-old-space-size, --expose-gc and --stack-size, worker children run; the host's heap flag caps each thread; shutdown is clean", async ({ expect }) => {
    const run = await cliWithNodeFlags(["--max-old-space-size=160", "--expose-gc", "--stack-size=2000"], HEAP_RUN);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const document = onlyDocument(run.stdout) as Any;
    expect(document.results).toEqual([null, { label: "after" }]);
    expect(document.errors).toEqual([expect.objectContaining({ node: "hog", error: heapMessage(160) })]);
  });

  it("--worker-heap-mb caps each thread: the allocating child fails naming itself and the cap, the next child runs on a new thread", async ({ expect }) => {
    const run = await cliWithNodeFlags([], [...HEAP_RUN, "--worker-heap-mb", "48"]);
    expect(run.code, run.stderr).toBe(0);
    const document = onlyDocument(run.stdout) as Any;
    expect(document.errors).toEqual([expect.objectContaining({ node: "hog", status: "failed", error: heapMessage(48) })]);
    expect(document.results[1]).toEqual({ label: "after" });
    expect(document.execution_info).toMatchObject({ completed: 1, failed: 1 });
  });

  it.for([
    [["run", "x.json", "--worker-heap-mb", "8"], "Usage: blok-parallel run"],
    [["worker", "--redis", "redis://localhost:6379", "--worker-heap-mb", "lots"], "Usage: blok-parallel worker"],
  ] as const)("%j: exit 2, the option and its floor named", async ([args, usage], { expect }) => {
    const io = captureIO();
    expect(await main(args, io.io)).toBe(2);
    expect(io.stderr()).toMatch(/^blok-parallel: --worker-heap-mb must be a whole number of at least 16 \(received "(8|lots)"\)\n/);
    expect(io.stderr()).toContain(usage);
  });
});
