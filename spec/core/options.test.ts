/**
 * The options schema: defaults, each field's bounds, and error messages that name the field, the
 * rule and the received value (`<field> <rule> (received <value>)`).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  EXECUTION_LIMITS,
  executionOptionsSchema,
  failureBudgetSchema,
  InvalidOptionsError,
  parallel,
  parseExecutionOptions,
  retryPolicySchema,
  validateRunOptions,
} from "../../src/core/index.js";

/** The message parseExecutionOptions throws for `input`. */
function messageFor(input: unknown): string {
  try {
    parseExecutionOptions(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

const maxTimer = EXECUTION_LIMITS.maxTimerMs;

describe("parseExecutionOptions() defaults", () => {
  it("parseExecutionOptions() fills the documented defaults for undefined, null and {}", () => {
    const defaults = { strategy: "parallel", error_handling: "fail-fast", max_concurrent: 5 };
    expect(parseExecutionOptions(undefined)).toEqual(defaults);
    expect(parseExecutionOptions(null)).toEqual(defaults);
    expect(parseExecutionOptions({})).toEqual(defaults);
  });

  it("parseExecutionOptions() leaves timeout, global_timeout, retry and tolerated_failures unset unless given", () => {
    const filled = parseExecutionOptions({});
    expect(filled.timeout).toBeUndefined();
    expect(filled.global_timeout).toBeUndefined();
    expect(filled.retry).toBeUndefined();
    expect(filled.tolerated_failures).toBeUndefined();
  });

  it("parseExecutionOptions() fills the retry policy defaults (1 attempt, 100 ms, factor 2, cap 30 s, no jitter)", () => {
    expect(parseExecutionOptions({ retry: {} }).retry).toEqual({ attempts: 1, delay_ms: 100, backoff_factor: 2, max_delay_ms: 30_000, jitter: 0 });
    expect(retryPolicySchema.parse({ attempts: 3 })).toMatchObject({ attempts: 3, delay_ms: 100 });
  });

  it("parseExecutionOptions() keeps every valid value as given", () => {
    const input = {
      strategy: "sequential",
      error_handling: "continue-partial",
      timeout: 1,
      max_concurrent: EXECUTION_LIMITS.maxConcurrent,
      global_timeout: maxTimer,
      retry: { attempts: EXECUTION_LIMITS.maxAttempts, delay_ms: 0, backoff_factor: 1, max_delay_ms: maxTimer, jitter: 1 },
      tolerated_failures: "100%",
    } as const;
    expect(parseExecutionOptions(input)).toEqual(input);
  });

  it("EXECUTION_LIMITS names the timer, window and attempt bounds", () => {
    expect(EXECUTION_LIMITS).toEqual({ maxTimerMs: 2 ** 31 - 1, maxConcurrent: 100_000, maxAttempts: 100 });
  });
});

describe("parseExecutionOptions() error messages", () => {
  it.each([
    [{ max_concurrent: 0 }, "max_concurrent must be at least 1 (received 0)"],
    [{ max_concurrent: 1.5 }, "max_concurrent must be a whole number (received 1.5)"],
    [{ max_concurrent: 100_001 }, "max_concurrent must be at most 100000 (received 100001)"],
    [{ max_concurrent: "3" }, 'max_concurrent Invalid input: expected number, received string (received "3")'],
    [{ timeout: 0 }, "timeout must be at least 1 ms (received 0)"],
    [{ timeout: 2.5 }, "timeout must be a whole number of milliseconds (received 2.5)"],
    [{ timeout: maxTimer + 1 }, `timeout must be at most ${maxTimer} ms (received ${maxTimer + 1})`],
    [{ timeout: "1s" }, 'timeout must be a number of milliseconds (received "1s")'],
    [{ timeout: null }, "timeout must be a number of milliseconds (received null)"],
    [{ timeout: Number.NaN }, "timeout must be a number of milliseconds (received NaN)"],
    [{ timeout: Number.POSITIVE_INFINITY }, "timeout must be a number of milliseconds (received Infinity)"],
    [{ global_timeout: -1 }, "global_timeout must be at least 1 ms (received -1)"],
    [{ global_timeout: maxTimer + 1 }, `global_timeout must be at most ${maxTimer} ms (received ${maxTimer + 1})`],
    [{ strategy: "waves" }, 'strategy Invalid option: expected one of "parallel"|"sequential" (received "waves")'],
    [{ error_handling: "ignore" }, 'error_handling Invalid option: expected one of "fail-fast"|"continue-partial" (received "ignore")'],
    [{ retry: { attempts: 0 } }, "retry.attempts must be at least 1 (the first try counts) (received 0)"],
    [{ retry: { attempts: 101 } }, "retry.attempts must be at most 100 (received 101)"],
    [{ retry: { attempts: 2.5 } }, "retry.attempts must be a whole number (received 2.5)"],
    [{ retry: { delay_ms: -1 } }, "retry.delay_ms must be 0 or more (received -1)"],
    [{ retry: { delay_ms: 1.5 } }, "retry.delay_ms must be a whole number of milliseconds (received 1.5)"],
    [{ retry: { delay_ms: maxTimer + 1 } }, `retry.delay_ms must be at most ${maxTimer} ms (received ${maxTimer + 1})`],
    [{ retry: { backoff_factor: 0.5 } }, "retry.backoff_factor must be at least 1 (received 0.5)"],
    [{ retry: { backoff_factor: 101 } }, "retry.backoff_factor must be at most 100 (received 101)"],
    [{ retry: { max_delay_ms: -1 } }, "retry.max_delay_ms must be 0 or more (received -1)"],
    [{ retry: { max_delay_ms: 0.5 } }, "retry.max_delay_ms must be a whole number of milliseconds (received 0.5)"],
    [{ retry: { jitter: 1.5 } }, "retry.jitter must be between 0 and 1 (received 1.5)"],
    [{ retry: { jitter: -0.1 } }, "retry.jitter must be between 0 and 1 (received -0.1)"],
  ])("parseExecutionOptions(%j) names field, rule and value", (input, expected) => {
    expect(messageFor(input)).toBe(`Invalid execution options: ${expected}`);
  });

  it.each([
    [-1, "tolerated_failures must be 0 or more (received -1)"],
    [1.5, 'tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received 1.5)'],
    [true, 'tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received true)'],
    ["abc", 'tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received "abc")'],
    ["101%", 'tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received "101%")'],
    ["100.5%", 'tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received "100.5%")'],
    ["-5%", 'tolerated_failures must be a whole number or a percentage from "0%" to "100%" (received "-5%")'],
  ])("parseExecutionOptions() rejects tolerated_failures %j with one precise message", (value, expected) => {
    expect(messageFor({ error_handling: "continue-partial", tolerated_failures: value })).toBe(`Invalid execution options: ${expected}`);
  });

  it.each([0, 3, "0%", "10%", "12.5%", "100%", "100.0%"])("parseExecutionOptions() accepts tolerated_failures %j", (value) => {
    expect(parseExecutionOptions({ error_handling: "continue-partial", tolerated_failures: value }).tolerated_failures).toBe(value);
    expect(failureBudgetSchema.safeParse(value).success).toBe(true);
  });

  it("parseExecutionOptions() refuses tolerated_failures with fail-fast (the default), naming the mode it needs", () => {
    expect(messageFor({ tolerated_failures: 1 })).toBe('Invalid execution options: tolerated_failures only applies with error_handling "continue-partial" (received 1)');
    expect(messageFor({ error_handling: "fail-fast", tolerated_failures: "10%" })).toBe(
      'Invalid execution options: tolerated_failures only applies with error_handling "continue-partial" (received "10%")',
    );
  });

  it("parseExecutionOptions() rejects unknown fields, at the top level and in retry", () => {
    expect(messageFor({ maxConcurrent: 3 })).toBe("Invalid execution options: maxConcurrent is not a known field (received 3)");
    expect(messageFor({ retry: { tries: 2 } })).toBe("Invalid execution options: retry.tries is not a known field (received 2)");
  });

  it("parseExecutionOptions() lists every problem, each with its own field, in one error", () => {
    let error: InvalidOptionsError | undefined;
    try {
      parseExecutionOptions({ max_concurrent: 0, timeout: -5, bogus: true, retry: { attempts: 0 } });
    } catch (e) {
      error = e as InvalidOptionsError;
    }
    expect(error?.name).toBe("InvalidOptionsError");
    expect(error?.subject).toBe("execution options");
    expect(error?.issues).toEqual([
      { path: "timeout", rule: "must be at least 1 ms", received: "-5" },
      { path: "max_concurrent", rule: "must be at least 1", received: "0" },
      { path: "retry.attempts", rule: "must be at least 1 (the first try counts)", received: "0" },
      { path: "bogus", rule: "is not a known field", received: "true" },
    ]);
    expect(error?.message.split("; ")).toHaveLength(4);
  });

  it("parseExecutionOptions() reports a non-object without a field name", () => {
    expect(messageFor("fast")).toBe('Invalid execution options: Invalid input: expected object, received string (received "fast")');
    expect(messageFor([])).toBe("Invalid execution options: Invalid input: expected object, received array (received [])");
  });

  it("parseExecutionOptions() names the subject it was given", () => {
    expect(() => parseExecutionOptions({ max_concurrent: 0 }, "container config")).toThrow(
      "Invalid container config: max_concurrent must be at least 1 (received 0)",
    );
  });

  it("executionOptionsSchema is the schema parseExecutionOptions applies", () => {
    expect(executionOptionsSchema.safeParse({ max_concurrent: 0 }).success).toBe(false);
    expect(executionOptionsSchema.parse({})).toEqual(parseExecutionOptions({}));
  });
});

describe("InvalidOptionsError.fromZod()", () => {
  const schema = z.object({ items: z.array(z.object({ n: z.number().min(1, { error: "must be at least 1" }) })), label: z.string() }).strict();

  it("InvalidOptionsError.fromZod() formats array positions as [i] and quotes nested values", () => {
    const parsed = schema.safeParse({ items: [{ n: 1 }, { n: 0 }], label: "x" });
    const error = InvalidOptionsError.fromZod(parsed.error!, { items: [{ n: 1 }, { n: 0 }] }, "config");
    expect(error.message).toBe("Invalid config: items[1].n must be at least 1 (received 0)");
  });

  it("InvalidOptionsError.fromZod() says 'nothing' for a missing value and shortens long values", () => {
    const parsed = schema.safeParse({ items: "x".repeat(100) });
    const error = InvalidOptionsError.fromZod(parsed.error!, { items: "x".repeat(100) }, "config");
    expect(error.issues[0]!.received).toBe(`"${"x".repeat(76)}...`);
    expect(error.issues[0]!.received).toHaveLength(80);
    expect(error.issues[1]).toEqual({ path: "label", rule: "Invalid input: expected string, received undefined", received: "nothing" });
  });

  it("InvalidOptionsError.fromZod() describes values JSON cannot show by their type", () => {
    const loose = z.object({ a: z.number(), b: z.number(), c: z.number() });
    const input = { a: () => 1, b: 10n, c: Symbol("s") };
    const error = InvalidOptionsError.fromZod(loose.safeParse(input).error!, input, "options");
    expect(error.issues.map((i) => i.received)).toEqual(["function", "bigint", "symbol"]);
  });

  it("InvalidOptionsError.fromZod() finds no value under a primitive", () => {
    const nested = z.object({ a: z.object({ b: z.number() }) });
    const error = InvalidOptionsError.fromZod(nested.safeParse({ a: { b: "x" } }).error!, { a: 5 }, "options");
    expect(error.issues[0]!.received).toBe("nothing");
  });
});

describe("validateRunOptions()", () => {
  it.each([
    [{ progress: "all" }, 'progress must be "events", "none" or { "sample_ms": <ms> } (received "all")'],
    [{ progress: { sample_ms: 0 } }, "progress.sample_ms must be at least 1 ms (received 0)"],
    [{ total: -1 }, "total must be 0 or more (received -1)"],
    [{ total: 1.5 }, "total must be a whole number (received 1.5)"],
  ])("validateRunOptions(%j) names field, rule and value", (run, expected) => {
    expect(() => validateRunOptions(run as never)).toThrow(`Invalid run options: ${expected}`);
  });

  it("validateRunOptions() accepts the documented progress modes and a total hint", () => {
    for (const progress of ["events", "none", { sample_ms: 1 }] as const) expect(() => validateRunOptions({ progress, total: 0 })).not.toThrow();
  });

  it("parallel() validates options and run options eagerly, before anything is subscribed", () => {
    const child = { name: "a", run: () => [1] };
    expect(() => parallel([child], { max_concurrent: 0 })).toThrow(InvalidOptionsError);
    expect(() => parallel([child], {}, { progress: { sample_ms: -1 } })).toThrow("Invalid run options");
  });
});
