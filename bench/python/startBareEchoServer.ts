import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { locatePythonRuntimeAssets } from "../../src/runtimes/python/packageAssets.js";

/** A running bare echo server (see bare_echo_server.py). */
export interface BareEchoServer {
  readonly port: number;
  readonly pid: number;
  /** Closes its stdin (it exits on EOF) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `bare_echo_server.py`: the NodeService under ONE name, answering with the request's
 * Message, no node dispatch and no runtime metadata. Used as the benchmark's baseline, and by the
 * tests as a runtime that is not the bundled one.
 *
 * @param python - interpreter with grpc.
 * @param service - the one service name it registers; default `nanoservice.workflow.v1.NodeService`.
 * @param options - `wait`: await the context's `config.ms` and answer `{ waited: ms }` instead of echoing.
 * @returns port, pid and `stop()`.
 */
export async function startBareEchoServer(python: string, service = "nanoservice.workflow.v1.NodeService", options: { readonly wait?: boolean } = {}): Promise<BareEchoServer> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "bare_echo_server.py");
  const child = spawn(python, [script, service, ...(options.wait ? ["--wait"] : [])], {
    env: { ...process.env, PYTHONPATH: locatePythonRuntimeAssets().pythonDir },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      const match = /^BLOK_PYTHON_RUNTIME_READY (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error("bare echo server exited before it was ready")));
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}
