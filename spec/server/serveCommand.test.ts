import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseServeArgs } from "../../src/cli/serveCommand.js";
import { UsageError } from "../../src/cli/usageError.js";
import { eventReader } from "./support.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  children.clear();
});

/** Starts `blok-parallel serve` as a subprocess and resolves once it prints its address. */
function serve(args: readonly string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["bin/blok-parallel.mjs", "serve", ...args], { cwd: REPO, env: { ...process.env, CONSOLE_LOG_ACTIVE: "false", ...env }, stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /^listening on (http:\/\/\S+)$/m.exec(stderr);
      if (found) resolve({ child, url: found[1]!, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}

const FIXTURES = ["--workflows", "spec/server/fixtures/workflows", "--nodes", "spec/server/fixtures/nodes"];

describe("blok-parallel serve (subprocess)", () => {
  it("prints the address it picked for --port 0, needs the token from BLOK_PARALLEL_TOKEN, and on SIGTERM cancels the running run, ends its event stream and exits 0", async () => {
    const server = await serve([...FIXTURES, "--port", "0"], { BLOK_PARALLEL_TOKEN: "s3cret" });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stderr()).toContain("spec/server/fixtures/workflows/notrigger.json has no trigger.http: not served");
    expect((await fetch(`${server.url}/health-check`)).status).toBe(200);
    const denied = await fetch(`${server.url}/runs`);
    expect(denied.status).toBe(401);
    const auth = { authorization: "Bearer s3cret" };
    const started = await fetch(`${server.url}/fan`, { method: "POST", headers: { ...auth, "content-type": "application/json", prefer: "respond-async" }, body: JSON.stringify({ ms: 60_000 }) });
    expect(started.status).toBe(202);
    const id = started.headers.get("x-run-id")!;
    const events = await fetch(`${server.url}/runs/${id}/events`, { headers: auth });
    const reader = eventReader(events);
    await reader.until("started", 3);
    server.child.kill("SIGTERM");
    const text = await reader.rest();
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(new RegExp(`^id: \\d+\nevent: end\ndata: \\{"id":"${id}","status":"cancelled","error":"cancelled: the server is shutting down"\\}$`));
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain("SIGTERM: shutting down");
  }, 120_000);

  it("exits 1 with the file named when a workflow does not load", async () => {
    const child = spawn(process.execPath, ["bin/blok-parallel.mjs", "serve", "--workflows", "spec/server/fixtures/broken", "--port", "0"], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("spec/server/fixtures/broken/broken.json");
    expect(stderr).not.toContain("listening on");
  }, 120_000);
});

describe("parseServeArgs", () => {
  it("reads the flags, with the documented defaults", () => {
    expect(parseServeArgs(["--workflows", "w"], {})).toEqual({
      command: "serve",
      workflowsDir: "w",
      nodesDir: undefined,
      pythonNodesDir: undefined,
      python: undefined,
      host: "127.0.0.1",
      port: 4000,
      token: undefined,
      bodyLimitMb: 100,
      cors: undefined,
      redis: undefined,
      debug: false,
    });
    expect(parseServeArgs(["--workflows", "w", "--port", "0", "--token", "t", "--cors", "*", "--body-limit-mb", "5"], { BLOK_PARALLEL_TOKEN: "env" })).toMatchObject({ port: 0, token: "t", cors: "*", bodyLimitMb: 5 });
    expect(parseServeArgs(["--workflows", "w"], { BLOK_PARALLEL_TOKEN: "env" })).toMatchObject({ token: "env" });
  });

  it.each([
    [[], "serve needs a folder of workflows: --workflows <dir>"],
    [["--workflows", "w", "--port", "70000"], '--port must be at most 65535 (received "70000")'],
    [["--workflows", "w", "--body-limit-mb", "0"], '--body-limit-mb must be a whole number of at least 1 (received "0")'],
    [["--workflows", "w", "extra"], 'Unexpected argument "extra" (serve takes options only)'],
  ])("refuses %j", (argv, message) => {
    expect(() => parseServeArgs(argv, {})).toThrow(new UsageError(message));
  });
});
