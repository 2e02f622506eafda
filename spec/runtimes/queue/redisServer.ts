import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** Path of `redis-server`, or undefined when it is not installed. */
export const redisServerPath: string | undefined = (() => {
  for (const candidate of [process.env.REDIS_SERVER, "/usr/bin/redis-server", "/usr/local/bin/redis-server"]) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/** Title suffix for suites skipped because redis-server is missing. */
export const needsRedis = redisServerPath ? "" : " [SKIPPED: redis-server is not installed; run scripts/install-system-deps.sh (apt-get install redis-server)]";

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server on a loopback port: no persistence, killed by `stop()`. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL when it does not exit within 2 s) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (a restart loses every key: there is no persistence). */
  restart(): Promise<void>;
  /** A fresh client for assertions; closed by the caller. */
  client(): Redis;
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts `redis-server --port <free> --save '' --appendonly no` on 127.0.0.1 and waits until it
 * answers PING.
 */
export async function startRedis(): Promise<RedisServer> {
  if (!redisServerPath) throw new Error("redis-server is not installed");
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"];
    const started = spawn(redisServerPath!, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    started.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child = started;
    try {
      await Promise.race([
        waitForPing(port, 10_000),
        new Promise((_, reject) => started.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}: ${stderr}`)))),
      ]);
    } catch (error) {
      started.kill("SIGKILL");
      throw error;
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 2_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    client: () => new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 }),
  };
}
