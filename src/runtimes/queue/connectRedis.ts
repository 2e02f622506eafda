import { setTimeout as delay } from "node:timers/promises";
import type * as IORedis from "ioredis";
import type { RedisOptions } from "ioredis";
import { requirePeer } from "../../peers/index.js";
import { QueueConnectionError } from "./errors.js";
import { redactRedisUrl } from "./redisUrl.js";

// ioredis is an optional peer, loaded when this module is: only the queue backend imports it.
const { Redis } = requirePeer<typeof IORedis>("ioredis");
type Redis = IORedis.Redis;

/**
 * ioredis options shared by producer and worker: commands wait for a reconnect instead of failing
 * after N retries (BullMQ requires `maxRetriesPerRequest: null`), and reconnects back off to one
 * attempt per second, forever; the session bounds how long it waits (see `connectionLossTimeoutMs`).
 */
export function redisOptions(connectTimeoutMs: number): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
  };
}

/**
 * Opens a connection and waits until it is ready.
 *
 * @throws {@link QueueConnectionError} naming the (redacted) URL and the last socket error when it
 * is not ready within `timeoutMs`; the connection is then closed.
 */
export async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  const client = new Redis(url, redisOptions(timeoutMs));
  let lastError: Error | undefined;
  const onError = (error: Error) => (lastError = error);
  client.on("error", onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new QueueConnectionError(`Cannot connect to Redis at ${redactRedisUrl(url)} within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ""}`, { cause: lastError }));
      }, timeoutMs);
      const onReady = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off("ready", onReady);
      };
      if (client.status === "ready") onReady();
      else client.on("ready", onReady);
    });
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    client.off("error", onError);
  }
  return client;
}

/**
 * `promise`, or `undefined` once `ms` have passed (for shutdown steps that must not hang on a
 * connection that went away). The timer is cleared as soon as `promise` settles.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, delay(ms, undefined, { signal: timer.signal })]);
  } finally {
    // The aborted delay rejects into the race, which has already settled: no unhandled rejection.
    timer.abort();
  }
}
