import { z } from "zod";

/**
 * The queue backend's settings as the container config writes them (`execution.queue`): the one
 * definition of their defaults and rules, read by the container's schema (and so `config.json`)
 * and by the queue runtime (its Redis URL check and the wire data a worker accepts).
 */

/** Defaults of `execution.queue`. */
export const QUEUE_DEFAULTS = { name: "blok-parallel", max_result_bytes: 16 * 1024 * 1024 } as const;

/** The largest `max_result_bytes` a container may ask for (512 MiB: far above what a Redis value should hold). */
export const MAX_RESULT_BYTES_LIMIT = 512 * 1024 * 1024;

/** A queue name: also a part of every Redis key of the queue, hence the small alphabet. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
export const QUEUE_NAME_RULE = "must be 1 to 100 letters, digits, '_', '.' or '-'";

/** A Redis URL names its scheme: `redis://` or `rediss://` (TLS). */
export const REDIS_URL_PATTERN = /^rediss?:\/\//;
export const REDIS_URL_RULE = "must be a redis:// or rediss:// URL";

/** `max_result_bytes`: a whole number of bytes from 1 to {@link MAX_RESULT_BYTES_LIMIT}. */
export const maxResultBytesSchema = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(MAX_RESULT_BYTES_LIMIT, { error: `must be at most ${MAX_RESULT_BYTES_LIMIT}` });

/** `execution.queue` of the container config. */
export const queueSettingsSchema = z
  .object(
    {
      redis_url: z.string({ error: "must be a string" }).regex(REDIS_URL_PATTERN, { error: REDIS_URL_RULE }).optional().describe("Redis connection; default: env BLOK_REDIS_URL."),
      name: z.string({ error: "must be a string" }).regex(QUEUE_NAME_PATTERN, { error: QUEUE_NAME_RULE }).default(QUEUE_DEFAULTS.name).describe("The BullMQ queue the workers listen on."),
      max_result_bytes: maxResultBytesSchema
        .default(QUEUE_DEFAULTS.max_result_bytes)
        .describe("Largest result (JSON bytes) a worker may return; bigger results fail the child with a clear error instead of being truncated."),
    },
    { error: "must be an object with redis_url, name, max_result_bytes" },
  )
  .strict();

/** `execution.queue` with its defaults filled in. */
export type QueueConfig = z.output<typeof queueSettingsSchema>;
