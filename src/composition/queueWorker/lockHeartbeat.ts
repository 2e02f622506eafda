import { Worker } from "node:worker_threads";

/**
 * Lock renewal of a queue worker's running jobs, from a thread of its own.
 *
 * BullMQ renews job locks with a timer on the event loop. A node that computes synchronously (a
 * long loop, a big JSON.parse) blocks that timer, so with a lock short enough for a prompt
 * recovery (a few seconds) a merely slow worker would be presumed dead and its job run a second
 * time elsewhere. This thread keeps renewing while the event loop is busy: what it proves is
 * that the PROCESS is alive (and can reach Redis), which is what "dead worker" means. It dies
 * with the process (SIGKILL, OOM, lost machine), and it cannot renew through a network cut, so
 * those jobs come back after one lock duration.
 *
 * The thread speaks RESP over its own socket (no client library in the thread: it starts in a
 * few ms and holds no module state), sends nothing while no job runs, and one EVAL per tick for
 * all running jobs otherwise: `SET lock token PX duration` where the lock is still this job's
 * token, and `SREM stalled` (BullMQ's extendLocks script, inlined). A job whose lock is gone or
 * belongs to another token was taken away (presumed dead during a network cut): it is reported
 * through `onLost`.
 */
export class LockHeartbeat {
  private readonly thread: Worker;
  private closed = false;

  constructor(options: LockHeartbeatOptions) {
    const { redisUrl, lockDurationMs, intervalMs, lockPrefix, stalledKey, connectTimeoutMs } = options;
    this.thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { redisUrl, lockDurationMs, intervalMs, lockPrefix, stalledKey, connectTimeoutMs } });
    // Never the reason the host stays up; close() ends it.
    this.thread.unref();
    this.thread.on("message", (message: ThreadMessage) => {
      if (message.type === "lost") options.onLost?.(message.jobId);
      else options.onError?.(message.message);
    });
    this.thread.on("error", (error) => options.onError?.(`lock heartbeat thread: ${error.message}`));
  }

  /** Starts renewing the lock of a job this worker just took. */
  track(jobId: string, token: string): void {
    if (!this.closed) this.thread.postMessage({ type: "track", jobId, token });
  }

  /** Stops renewing it (the job ended here, or was given back). */
  untrack(jobId: string): void {
    if (!this.closed) this.thread.postMessage({ type: "untrack", jobId });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.thread.terminate();
  }
}

/** Options of {@link LockHeartbeat}. */
export interface LockHeartbeatOptions {
  readonly redisUrl: string;
  /** Lock lifetime set by each renewal (the worker's `lockDuration`). */
  readonly lockDurationMs: number;
  /** Time between renewals. */
  readonly intervalMs: number;
  /** `<prefix>:<queue>:`: a job's lock key is `<lockPrefix><jobId>:lock`. */
  readonly lockPrefix: string;
  /** `<prefix>:<queue>:stalled`. */
  readonly stalledKey: string;
  readonly connectTimeoutMs: number;
  /** A tracked job's lock is no longer this worker's. */
  readonly onLost?: (jobId: string) => void;
  readonly onError?: (message: string) => void;
}

type ThreadMessage = { readonly type: "lost"; readonly jobId: string } | { readonly type: "error"; readonly message: string };

/** Renews the locks given as ARGV (duration, prefix, then id/token pairs); returns the ids whose lock is not theirs. */
const RENEW_SCRIPT = `
local lost = {}
for i = 3, #ARGV, 2 do
  local key = ARGV[2] .. ARGV[i] .. ':lock'
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1])
    redis.call('SREM', KEYS[1], ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost`;

// CommonJS run by `new Worker(source, { eval: true })`: no file to locate at run time, in the
// sources (tsx, vitest) and in the built package (ESM and CJS chunks) alike.
const THREAD_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const net = require("node:net");
const tls = require("node:tls");
const { redisUrl, lockDurationMs, intervalMs, lockPrefix, stalledKey, connectTimeoutMs } = workerData;
const SCRIPT = ${JSON.stringify(RENEW_SCRIPT)};
const stuckMs = Math.max(2 * lockDurationMs, 10000);
const jobs = new Map();
let socket;
let buffer = Buffer.alloc(0);
let pending = [];
let busy = false;
let lastError = "";

function encode(args) {
  let out = "*" + args.length + "\\r\\n";
  for (const arg of args) {
    const text = String(arg);
    out += "$" + Buffer.byteLength(text) + "\\r\\n" + text + "\\r\\n";
  }
  return out;
}

// One RESP reply from buffer[at], or undefined while incomplete.
function parse(at) {
  const end = buffer.indexOf("\\r\\n", at);
  if (end < 0) return undefined;
  const kind = String.fromCharCode(buffer[at]);
  const line = buffer.toString("utf8", at + 1, end);
  if (kind === "+" || kind === ":") return { value: line, next: end + 2 };
  if (kind === "-") return { value: new Error(line), next: end + 2 };
  if (kind === "$") {
    const length = Number(line);
    if (length < 0) return { value: null, next: end + 2 };
    if (buffer.length < end + 2 + length + 2) return undefined;
    return { value: buffer.toString("utf8", end + 2, end + 2 + length), next: end + 2 + length + 2 };
  }
  if (kind === "*") {
    const count = Number(line);
    const items = [];
    let next = end + 2;
    for (let i = 0; i < count; i++) {
      const item = parse(next);
      if (!item) return undefined;
      items.push(item.value);
      next = item.next;
    }
    return { value: count < 0 ? null : items, next };
  }
  return { value: new Error("unexpected reply from Redis"), next: buffer.length };
}

function drop(error) {
  if (socket) socket.destroy();
  socket = undefined;
  buffer = Buffer.alloc(0);
  for (const waiter of pending.splice(0)) waiter.reject(error);
}

function command(args) {
  return new Promise((resolve, reject) => {
    if (!socket) return reject(new Error("not connected"));
    pending.push({ resolve, reject });
    socket.write(encode(args));
  });
}

function connect() {
  const url = new URL(redisUrl);
  const port = Number(url.port || 6379);
  const host = url.hostname.replace(/^\\[|\\]$/g, "");
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "rediss:";
    const s = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    const timer = setTimeout(() => { s.destroy(); reject(new Error("connect timeout")); }, connectTimeoutMs);
    s.once(secure ? "secureConnect" : "connect", () => { clearTimeout(timer); resolve(s); });
    s.once("error", (error) => { clearTimeout(timer); reject(error); });
  }).then(async (s) => {
    socket = s;
    s.setNoDelay(true);
    s.setKeepAlive(true, 1000);
    s.on("data", (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      let at = 0;
      for (;;) {
        const reply = parse(at);
        if (!reply) break;
        at = reply.next;
        const waiter = pending.shift();
        if (waiter) reply.value instanceof Error ? waiter.reject(reply.value) : waiter.resolve(reply.value);
      }
      buffer = buffer.subarray(at);
    });
    s.on("error", (error) => drop(error));
    s.on("close", () => drop(new Error("connection closed")));
    const password = url.password ? decodeURIComponent(url.password) : "";
    if (password) await command(url.username ? ["AUTH", decodeURIComponent(url.username), password] : ["AUTH", password]);
    const db = Number(url.pathname.slice(1) || 0);
    if (db) await command(["SELECT", db]);
  });
}

async function tick() {
  if (busy || jobs.size === 0) return;
  busy = true;
  // A slow answer still renews (a loaded Redis must not cause reconnect storms); only a socket
  // that stays silent this long (half-open after a network cut) is replaced.
  const timer = setTimeout(() => drop(new Error("Redis did not answer a lock renewal for " + stuckMs + " ms")), stuckMs);
  try {
    if (!socket) await connect();
    const args = ["EVAL", SCRIPT, 1, stalledKey, lockDurationMs, lockPrefix];
    for (const [jobId, token] of jobs) args.push(jobId, token);
    const lost = await command(args);
    for (const jobId of lost) {
      // Still running here, but no longer ours: another worker has (or will have) it.
      if (jobs.delete(jobId)) parentPort.postMessage({ type: "lost", jobId });
    }
    lastError = "";
  } catch (error) {
    drop(error);
    const message = "lock renewal failed: " + error.message;
    if (message !== lastError) parentPort.postMessage({ type: "error", message });
    lastError = message;
  } finally {
    clearTimeout(timer);
    busy = false;
  }
}

parentPort.on("message", (message) => {
  if (message.type === "track") jobs.set(message.jobId, message.token);
  else jobs.delete(message.jobId);
});
setInterval(tick, intervalMs);
`;
