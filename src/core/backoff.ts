import type { RetryPolicy } from "./options.js";

/**
 * The wait before retry number `retry` (1 for the first retry): exponential backoff capped at
 * `max_delay_ms`, then reduced by up to `jitter` of itself so that retries of many children
 * spread out instead of arriving together.
 *
 * @param policy - the filled retry policy.
 * @param retry - 1-based retry number.
 * @param random - a source of numbers in [0, 1), injectable for deterministic tests.
 * @returns the delay in whole milliseconds.
 * @example
 * ```ts
 * retryDelay({ attempts: 4, delay_ms: 100, backoff_factor: 2, max_delay_ms: 1000, jitter: 0 }, 3); // 400
 * ```
 */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const exponential = policy.delay_ms * policy.backoff_factor ** (retry - 1);
  const capped = Math.min(policy.max_delay_ms, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}
