import { z } from "zod";
import { InvalidOptionsError } from "./errors.js";

/**
 * The technical limits of the executor, in one place. The Blok container narrows some of them
 * (see `src/node/containerSchema.ts`); the core only refuses values it cannot honour.
 */
export const EXECUTION_LIMITS = {
  /** Largest delay a JS timer can hold (2^31 - 1 ms, about 24.8 days). */
  maxTimerMs: 2_147_483_647,
  /** A window wider than this is a mistake rather than a plan; children are cheap to queue. */
  maxConcurrent: 100_000,
  /** Upper bound for `retry.attempts` (first try included). */
  maxAttempts: 100,
} as const;

const timerMs = () =>
  z
    .number({ error: "must be a number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(1, { error: "must be at least 1 ms" })
    .max(EXECUTION_LIMITS.maxTimerMs, { error: `must be at most ${EXECUTION_LIMITS.maxTimerMs} ms` });

const delayMs = () =>
  z
    .number()
    .int({ error: "must be a whole number of milliseconds" })
    .min(0, { error: "must be 0 or more" })
    .max(EXECUTION_LIMITS.maxTimerMs, { error: `must be at most ${EXECUTION_LIMITS.maxTimerMs} ms` });

/** Per-child retry policy. Each retry is a fresh subscription to the child (a fresh attempt). */
export const retryPolicySchema = z
  .object({
    attempts: z
      .number()
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1 (the first try counts)" })
      .max(EXECUTION_LIMITS.maxAttempts, { error: `must be at most ${EXECUTION_LIMITS.maxAttempts}` })
      .default(1),
    // Every bound carries its own rule text: zod's defaults ("Invalid input: expected int,
    // received number", "Too big: expected number to be <=100") do not read like the others.
    delay_ms: delayMs().default(100),
    backoff_factor: z.number().min(1, { error: "must be at least 1" }).max(100, { error: "must be at most 100" }).default(2),
    max_delay_ms: delayMs().default(30_000),
    jitter: z.number().min(0, { error: "must be between 0 and 1" }).max(1, { error: "must be between 0 and 1" }).default(0),
  })
  .strict();

/** `tolerated_failures`: a count (`3`) or a share of the total (`"10%"`). */
const budgetRule = 'must be a whole number or a percentage from "0%" to "100%"';
export const failureBudgetSchema = z.union(
  [
    z.number().int({ error: budgetRule }).min(0, { error: "must be 0 or more" }),
    // The pattern alone caps the percentage at 100, so the published JSON schema says the same.
    z.string().regex(/^(100(\.0+)?|\d{1,2}(\.\d+)?)%$/, { error: budgetRule }),
  ],
  // When no branch fits by type (1.5, true, null), zod's own union message is a bare "Invalid input".
  { error: budgetRule },
);

/**
 * Execution options, as a zod schema with defaults. Field names are snake_case because the same
 * object is written by hand in Blok workflow JSON.
 */
export const executionOptionsSchema = z
  .object({
    /** `parallel` (default) runs up to `max_concurrent` children at once; `sequential` runs one at a time, in order. */
    strategy: z.enum(["parallel", "sequential"]).default("parallel"),
    /**
     * `fail-fast` (default): the first failed child fails the run, every running sibling is
     * unsubscribed (its AbortSignal fires) and no further child starts.
     * `continue-partial`: failures are collected; the run succeeds with `null` in failed slots
     * unless `tolerated_failures` is exceeded.
     */
    error_handling: z.enum(["fail-fast", "continue-partial"]).default("fail-fast"),
    /** Per-child, per-attempt timeout in ms, started when the attempt starts (not while queued). */
    timeout: timerMs().optional(),
    /** The size of the sliding window of running children. Ignored by `sequential` (always 1). */
    max_concurrent: z
      .number()
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1" })
      .max(EXECUTION_LIMITS.maxConcurrent, { error: `must be at most ${EXECUTION_LIMITS.maxConcurrent}` })
      .default(5),
    /** Deadline for the whole run in ms, queue time included. Always fails the run when it fires. */
    global_timeout: timerMs().optional(),
    /** Per-child retries. A child waiting out its backoff keeps its slot in the window. */
    retry: retryPolicySchema.optional(),
    /**
     * How many failed children (errors and timeouts) `continue-partial` accepts before the run
     * fails like fail-fast. A percentage is taken of the total number of children. Default: no limit.
     */
    tolerated_failures: failureBudgetSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.tolerated_failures !== undefined && value.error_handling !== "continue-partial") {
      ctx.addIssue({
        code: "custom",
        path: ["tolerated_failures"],
        message: "only applies with error_handling \"continue-partial\"",
      });
    }
  });

/** Options as a caller writes them (every field optional). */
export type ExecutionOptionsInput = z.input<typeof executionOptionsSchema>;
/** Options with every default filled in. */
export type ExecutionOptions = z.output<typeof executionOptionsSchema>;
/** A retry policy with defaults filled in. */
export type RetryPolicy = z.output<typeof retryPolicySchema>;

/**
 * Validates execution options and fills in defaults.
 *
 * @param input - the options as written by the caller (`undefined` means all defaults).
 * @returns the filled options.
 * @throws {InvalidOptionsError} naming every offending field, its value and the rule it breaks.
 * @example
 * ```ts
 * parseExecutionOptions({ max_concurrent: 3 }).strategy; // "parallel"
 * parseExecutionOptions({ max_concurrent: 0 });
 * // InvalidOptionsError: Invalid execution options: max_concurrent must be at least 1 (received 0)
 * ```
 */
export function parseExecutionOptions(input: unknown, subject = "execution options"): ExecutionOptions {
  const parsed = executionOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw InvalidOptionsError.fromZod(parsed.error, input, subject);
}
