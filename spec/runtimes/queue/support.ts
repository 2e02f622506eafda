import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { DefaultLogger, type GlobalError } from "../../../src/blok/index.js";
import { createEnvironment } from "../../../src/composition/index.js";
import type { QueueConnector } from "../../../src/ports/remoteJob.js";
import type { Workflow } from "../../../src/runner/index.js";
import { createQueueConnector, type QueueConnectorOptions } from "../../../src/runtimes/queue/index.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const fixtureNodes = join(repoRoot, "spec/runtimes/queue/fixtures/nodes");
const launcher = join(repoRoot, "spec/runtimes/queue/fixtures/worker.ts");

// biome-ignore lint/suspicious/noExplicitAny: result documents are checked field by field
export type Any = any;

/** A `blok-parallel worker` child process. */
export interface WorkerProcess {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Options of {@link spawnWorker}: CLI flags. */
export interface SpawnWorkerOptions {
  readonly queue: string;
  readonly concurrency?: number;
  readonly lockDuration?: number;
  readonly stalledInterval?: number;
  readonly shutdownGrace?: number;
  readonly nodesDir?: string;
  readonly pythonNodesDir?: string;
}

/**
 * Spawns `node --import tsx spec/runtimes/queue/fixtures/worker.ts --redis <url> ...` (the real worker
 * command) and resolves once it serves the queue.
 */
export async function spawnWorker(url: string, options: SpawnWorkerOptions): Promise<WorkerProcess> {
  const args = [
    "--import",
    "tsx",
    launcher,
    "--redis",
    url,
    "--queue",
    options.queue,
    "--nodes",
    options.nodesDir ?? fixtureNodes,
    "--concurrency",
    String(options.concurrency ?? 2),
    "--verbose",
    ...(options.lockDuration ? ["--lock-duration", String(options.lockDuration)] : []),
    ...(options.stalledInterval ? ["--stalled-interval", String(options.stalledInterval)] : []),
    ...(options.shutdownGrace !== undefined ? ["--shutdown-grace", String(options.shutdownGrace)] : []),
    ...(options.pythonNodesDir ? ["--python-nodes", options.pythonNodesDir] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CONSOLE_LOG_ACTIVE: "false" } });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 60 s:\n${stderr}`)), 60_000);
    const check = () => {
      if (stderr.includes("serving queue")) {
        clearTimeout(timer);
        child.stderr!.off("data", check);
        resolve();
      }
    };
    child.stderr!.on("data", check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before serving:\n${stderr}`));
    });
  });
  return { pid: child.pid!, process: child, stderr: () => stderr, exited, kill: (signal) => child.kill(signal) };
}

/** Stops worker processes that are still running (SIGKILL) and waits for them. */
export async function killAll(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.process.exitCode === null && worker.process.signalCode === null) worker.kill("SIGKILL");
      await worker.exited;
    }),
  );
}

/**
 * An environment whose container (under every container key) runs queue-backend runs through
 * `connectQueue`, and local-backend runs in this process, with the fixture nodes.
 */
export function queueEnvironment(connectQueue: QueueConnector) {
  const env = createEnvironment({ nodesDir: fixtureNodes, connectQueue });
  const logger = new DefaultLogger({ write: () => undefined });
  return {
    env,
    run: (workflow: Workflow, body: unknown = {}, signal?: AbortSignal) => env.run(workflow, { body, logger, ...(signal ? { signal } : {}) }),
    /** Runs and returns the failure (a GlobalError), or throws when the run succeeds. */
    failure: async (workflow: Workflow, body: unknown = {}): Promise<GlobalError> => {
      try {
        await env.run(workflow, { body, logger });
      } catch (error) {
        return error as GlobalError;
      }
      throw new Error("the run succeeded");
    },
  };
}

/** A connector with short timeouts for tests. */
export function testConnector(url: string, options: Partial<QueueConnectorOptions> = {}): QueueConnector {
  return createQueueConnector({ redisUrl: url, connectTimeoutMs: 3_000, closeTimeoutMs: 3_000, ...options });
}

/** A one-step workflow running a container with `config` (execution.backend etc.) and the child configs in `nodes`. */
export function containerWorkflow(config: Record<string, unknown>, nodes: Record<string, unknown> = {}, extraSteps: { before?: unknown[] } = {}): Workflow {
  return {
    name: "queue-spec",
    steps: [...(extraSteps.before ?? []), { name: "fan", node: "parallel-execution", type: "module", set_var: true }],
    nodes: { fan: { inputs: config }, ...nodes },
  } as unknown as Workflow;
}

/** Every key of queue `name` (`bull:<name>:*`), sorted. */
export async function queueKeys(redis: Redis, name: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `bull:${name}:*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys.sort();
}

/** The keys a queue has for itself, whatever runs did: everything else belongs to a job. */
export const QUEUE_OWN_KEYS = new Set(["events", "meta", "id", "stalled-check", "marker"]);

/** Keys of queue `name` that belong to jobs (not to the queue itself). */
export async function jobKeys(redis: Redis, name: string): Promise<string[]> {
  return (await queueKeys(redis, name)).filter((key) => !QUEUE_OWN_KEYS.has(key.slice(`bull:${name}:`.length)));
}

/** A fresh directory for marker files written by the fixture nodes. */
export function markerDir(): string {
  return mkdtempSync(join(tmpdir(), "blok-queue-"));
}

let queues = 0;
/** A queue name unique to this test file and test. */
export function uniqueQueue(label: string): string {
  return `spec-${label}-${process.pid}-${++queues}`;
}
