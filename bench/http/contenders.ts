/** Starts contenders in child processes (bench/http/serverProcess.ts) and stops them. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Kind } from "./servers.js";

const SCRIPT = fileURLToPath(new URL("./serverProcess.ts", import.meta.url));

/** A contender running in its own process. */
export interface Contender {
  readonly kind: Kind;
  readonly url: string;
  stop(): Promise<void>;
}

/** Spawns `kind` in a child process; resolves once it listens. */
export function spawnContender(kind: Kind): Promise<Contender> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", SCRIPT, kind], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n")[0];
      if (!out.includes("\n") || line === undefined) return;
      child.stdout!.off("data", onData);
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        kind,
        url,
        stop: async () => {
          child.stdin!.end();
          const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        },
      });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the ${kind} server exited (${code}) before listening`)));
  });
}
