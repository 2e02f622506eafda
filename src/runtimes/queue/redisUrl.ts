import { REDIS_URL_PATTERN, REDIS_URL_RULE } from "../../ports/index.js";
import { QueueConfigError } from "./errors.js";

/** Where a queue session finds Redis, in order: the container's `redis_url`, the connector's `redisUrl`, env `BLOK_REDIS_URL`. */
export function resolveRedisUrl(configured: string | undefined, fallback: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = configured ?? fallback ?? env.BLOK_REDIS_URL;
  if (!url) {
    throw new QueueConfigError(
      'execution.backend "queue" needs a Redis server: set execution.queue.redis_url in the container config or the BLOK_REDIS_URL environment variable (e.g. redis://127.0.0.1:6379)',
    );
  }
  checkRedisUrl(url, configured !== undefined ? "execution.queue.redis_url" : fallback !== undefined ? "the queue connector's redisUrl" : "BLOK_REDIS_URL");
  return url;
}

/** @throws {QueueConfigError} unless `url` is a valid `redis://` or `rediss://` URL, naming `source`. */
export function checkRedisUrl(url: string, source: string): void {
  try {
    new URL(url);
  } catch {
    throw new QueueConfigError(`${source} is not a valid URL (received "${redactRedisUrl(url)}"); expected redis://host:port or rediss://host:port`);
  }
  // The container config's rule (src/ports/queueSettings.ts), so a URL from a flag or the
  // environment passes exactly when it would pass as execution.queue.redis_url.
  if (!REDIS_URL_PATTERN.test(url)) throw new QueueConfigError(`${source} ${REDIS_URL_RULE} (received "${redactRedisUrl(url)}")`);
}

/** The URL as given, with its password (if any) replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const { password } = new URL(url);
    return password ? url.replace(`:${password}@`, ":***@") : url;
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
