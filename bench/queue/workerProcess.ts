import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
export const benchNodes = join(here, "nodes");

/** Starts `blok-parallel worker` (bench/queue/worker.ts is the CLI command) and resolves once it serves `queue`. */
export function spawnWorker(url: string, queue: string, concurrency: number, extra: readonly string[] = []): Promise<ChildProcess> {
  const args = ["--import", "tsx", join(here, "worker.ts"), "--redis", url, "--queue", queue, "--nodes", benchNodes, "--concurrency", String(concurrency), ...extra];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, CONSOLE_LOG_ACTIVE: "false" } });
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("serving queue")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
}

/** Stops workers (SIGTERM, SIGKILL after 5 s) and waits for their exit. */
export async function stopWorkers(workers: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map((worker) => {
      if (worker.exitCode !== null || worker.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGTERM");
      const timer = setTimeout(() => worker.kill("SIGKILL"), 5_000);
      return exited.finally(() => clearTimeout(timer));
    }),
  );
}
