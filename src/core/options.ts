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

/** An inclusive range of a numeric option. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * The bounds a schema of the execution options enforces: the core's own ({@link EXECUTION_BOUNDS}),
 * or narrower ones chosen by a layer above (the container's, in `src/node/containerSchema.ts`).
 * They must lie inside the core's (the core uses the parsed options as they are) and hold
 * {@link EXECUTION_DEFAULTS} (zod fills a default without checking it).
 */
export interface ExecutionBounds {
  readonly timeout: Range;
  readonly global_timeout: Range;
  readonly max_concurrent: Range;
  /** `delay_ms` and `max_delay_ms` share one range. */
  readonly retry: { readonly attempts: Range; readonly delay_ms: Range; readonly backoff_factor: Range };
}

/** The core's bounds: everything a JS timer and a sane window can honour. */
export const EXECUTION_BOUNDS: ExecutionBounds = {
  timeout: { min: 1, max: EXECUTION_LIMITS.maxTimerMs },
  global_timeout: { min: 1, max: EXECUTION_LIMITS.maxTimerMs },
  max_concurrent: { min: 1, max: EXECUTION_LIMITS.maxConcurrent },
  retry: { attempts: { min: 1, max: EXECUTION_LIMITS.maxAttempts }, delay_ms: { min: 0, max: EXECUTION_LIMITS.maxTimerMs }, backoff_factor: { min: 1, max: 100 } },
};

/** The defaults of every option that has one: the same whichever bounds a schema enforces. */
export const EXECUTION_DEFAULTS = {
  strategy: "parallel",
  error_handling: "fail-fast",
  max_concurrent: 5,
  retry: { attempts: 1, delay_ms: 100, backoff_factor: 2, max_delay_ms: 30_000, jitter: 0 },
} as const;

/**
 * How the rules read in error messages. Two wordings exist because both are published: the
 * core's (its own docs, `InvalidOptionsError` in TS code) speaks of milliseconds and leaves type
 * errors to zod; the container's (workflow authors, whose field docs already say "ms") names the
 * expected type of every field instead.
 */
export interface OptionWording {
  /** Millisecond rules say so: "must be at least 1 ms", "must be a whole number of milliseconds". */
  readonly units: boolean;
  /** State the expected type ("must be a number", 'must be "parallel" or "sequential"', "must be an object") rather than zod's text. */
  readonly types: boolean;
  /** The rule of a floor of 0. */
  readonly zeroFloor: string;
  /** Said after the floor of `retry.attempts`. */
  readonly attemptsNote: string;
}

/** The core's wording (see {@link OptionWording}). */
export const CORE_WORDING: OptionWording = { units: true, types: false, zeroFloor: "must be 0 or more", attemptsNote: " (the first try counts)" };

/** The options that carry a description in a published JSON schema. */
export type DescribedOption = "strategy" | "error_handling" | "timeout" | "max_concurrent" | "global_timeout" | "retry" | "tolerated_failures";

/** What an execution-options schema is built from. */
export interface ExecutionSchemaSpec {
  readonly bounds: ExecutionBounds;
  readonly wording: OptionWording;
  /** Field descriptions, for a schema published as JSON schema (the container's `config.json`). */
  readonly descriptions?: Partial<Record<DescribedOption, string>>;
}

/** The number fields of one wording. Every bound carries its own rule text: zod's defaults ("Too big: expected number to be <=100") do not read like the others. */
function numberFields(wording: OptionWording) {
  const { noun, unit } = wording.units ? { noun: " of milliseconds", unit: " ms" } : { noun: "", unit: "" };
  const number = (typeRule: string | undefined) => (typeRule === undefined ? z.number() : z.number({ error: typeRule }));
  const typeRule = (suffix = "") => (wording.types ? `must be a number${suffix}` : undefined);
  const within = (field: z.ZodNumber, { min, max }: Range, suffix = "", note = "") =>
    field.min(min, { error: min === 0 ? wording.zeroFloor : `must be at least ${min}${suffix}${note}` }).max(max, { error: `must be at most ${max}${suffix}` });
  return {
    // A timer always states its type: "1s" for a timeout is the likely mistake.
    timer: (range: Range) => within(number(`must be a number${noun}`).int({ error: `must be a whole number${noun}` }), range, unit),
    delay: (range: Range) => within(number(typeRule(noun)).int({ error: `must be a whole number${noun}` }), range, unit),
    whole: (range: Range, note = "") => within(number(typeRule()).int({ error: "must be a whole number" }), range, "", note),
    real: (range: Range) => within(number(typeRule()), range),
    share: () => number(typeRule()).min(0, { error: "must be between 0 and 1" }).max(1, { error: "must be between 0 and 1" }),
  };
}

const choice = <const V extends readonly [string, string]>(values: V, wording: OptionWording) =>
  z.enum(values, wording.types ? { error: `must be "${values[0]}" or "${values[1]}"` } : undefined);

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
 * The fields of an execution-options schema, built from bounds and a wording: the core's schema
 * is `executionOptionsSchema`; the container spreads these fields into its own `execution`
 * object with narrower bounds (and adds its own), so every rule and default is written once.
 * Apply {@link requireContinuePartialForBudget} to the object that holds them.
 *
 * @param spec - bounds, wording and optional field descriptions.
 * @returns the zod fields, in the order of the docs.
 * @example
 * ```ts
 * import { asyncChild, executeValidated, executionOptionsShape, requireContinuePartialForBudget } from "@blok-ts/parallel-execution/core";
 * import { z } from "zod";
 *
 * // A job runner's options: the executor's fields with tighter bounds, plus a field of its own.
 * const jobOptionsSchema = z
 *   .object({
 *     ...executionOptionsShape({
 *       bounds: {
 *         timeout: { min: 1, max: 60_000 },
 *         global_timeout: { min: 1, max: 600_000 },
 *         max_concurrent: { min: 1, max: 8 },
 *         retry: { attempts: { min: 1, max: 5 }, delay_ms: { min: 0, max: 10_000 }, backoff_factor: { min: 1, max: 10 } },
 *       },
 *       wording: { units: true, types: true, zeroFloor: "must be 0 or more", attemptsNote: "" },
 *     }),
 *     label: z.string(),
 *   })
 *   .strict()
 *   .superRefine(requireContinuePartialForBudget);
 * const { label, ...options } = jobOptionsSchema.parse({ label: "nightly", max_concurrent: 4 });
 * const execution = executeValidated([asyncChild("a", async () => label)], options);
 * console.log((await execution.result).results); // ["nightly"]
 * ```
 */
export function executionOptionsShape({ bounds, wording, descriptions = {} }: ExecutionSchemaSpec) {
  const fields = numberFields(wording);
  const described = <S extends z.ZodType>(name: DescribedOption, schema: S): S => {
    const text = descriptions[name];
    return text === undefined ? schema : schema.describe(text);
  };
  const defaults = EXECUTION_DEFAULTS;
  const retry = z
    .object(
      {
        attempts: fields.whole(bounds.retry.attempts, wording.attemptsNote).default(defaults.retry.attempts),
        delay_ms: fields.delay(bounds.retry.delay_ms).default(defaults.retry.delay_ms),
        backoff_factor: fields.real(bounds.retry.backoff_factor).default(defaults.retry.backoff_factor),
        max_delay_ms: fields.delay(bounds.retry.delay_ms).default(defaults.retry.max_delay_ms),
        jitter: fields.share().default(defaults.retry.jitter),
      },
      wording.types ? { error: "must be an object" } : undefined,
    )
    .strict();
  return {
    /** `parallel` (default) runs up to `max_concurrent` children at once; `sequential` runs one at a time, in order. */
    strategy: described("strategy", choice(["parallel", "sequential"], wording).default(defaults.strategy)),
    /**
     * `fail-fast` (default): the first failed child fails the run, every running sibling is
     * unsubscribed (its AbortSignal fires) and no further child starts.
     * `continue-partial`: failures are collected; the run succeeds with `null` in failed slots
     * unless `tolerated_failures` is exceeded.
     */
    error_handling: described("error_handling", choice(["fail-fast", "continue-partial"], wording).default(defaults.error_handling)),
    /** Per-child, per-attempt timeout in ms, started when the attempt starts (not while queued). */
    timeout: described("timeout", fields.timer(bounds.timeout).optional()),
    /** The size of the sliding window of running children. Ignored by `sequential` (always 1). */
    max_concurrent: described("max_concurrent", fields.whole(bounds.max_concurrent).default(defaults.max_concurrent)),
    /** Deadline for the whole run in ms, queue time included. Always fails the run when it fires. */
    global_timeout: described("global_timeout", fields.timer(bounds.global_timeout).optional()),
    /** Per-child retries (each retry is a fresh subscription to the child). A child waiting out its backoff keeps its slot in the window. */
    retry: described("retry", retry.optional()),
    /**
     * How many failed children (errors and timeouts) `continue-partial` accepts before the run
     * fails like fail-fast. A percentage is taken of the total number of children. Default: no limit.
     */
    tolerated_failures: described("tolerated_failures", failureBudgetSchema.optional()),
  };
}

/**
 * The one rule across fields: a failure budget only means something with continue-partial.
 * A refinement for any object holding {@link executionOptionsShape}'s fields (`.superRefine`).
 */
export function requireContinuePartialForBudget(value: { readonly error_handling: string; readonly tolerated_failures?: unknown }, ctx: z.RefinementCtx): void {
  if (value.tolerated_failures !== undefined && value.error_handling !== "continue-partial") {
    ctx.addIssue({ code: "custom", path: ["tolerated_failures"], message: 'only applies with error_handling "continue-partial"' });
  }
}

const coreShape = executionOptionsShape({ bounds: EXECUTION_BOUNDS, wording: CORE_WORDING });

/** Per-child retry policy with the core's bounds. Each retry is a fresh subscription to the child (a fresh attempt). */
export const retryPolicySchema = coreShape.retry.unwrap();

/**
 * Execution options, as a zod schema with defaults. Field names are snake_case because the same
 * object is written by hand in Blok workflow JSON.
 */
export const executionOptionsSchema = z.object(coreShape).strict().superRefine(requireContinuePartialForBudget);

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
