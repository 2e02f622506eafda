import type { z } from "zod";
import type { ExecutionInfo } from "./executionInfo.js";

/** Where a value sits inside the options object, as `a.b[2].c`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  // JSON would print NaN and Infinity as "null", which names the wrong value.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value) as string | undefined;
    // Functions and symbols have no JSON form.
    if (text === undefined) return typeof value;
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof value;
  }
}

/** One problem found in an options object. */
export interface OptionIssue {
  /** Dotted path of the field, e.g. `retry.attempts` (empty for the object itself). */
  readonly path: string;
  /** The rule that was broken, e.g. `must be at least 1`. */
  readonly rule: string;
  /** JSON text of the offending value (or `nothing` when missing). */
  readonly received: string;
}

/**
 * Options (or a container config) failed validation. The message lists every problem as
 * `<field> <rule> (received <value>)`.
 */
export class InvalidOptionsError extends Error {
  override readonly name = "InvalidOptionsError";
  constructor(
    readonly subject: string,
    readonly issues: readonly OptionIssue[],
  ) {
    super(
      `Invalid ${subject}: ${issues
        .map((i) => (i.path ? `${i.path} ${i.rule} (received ${i.received})` : `${i.rule} (received ${i.received})`))
        .join("; ")}`,
    );
  }

  /** Builds the error from zod issues, quoting the offending values from `input`. */
  static fromZod(error: z.ZodError, input: unknown, subject: string): InvalidOptionsError {
    const issues: OptionIssue[] = [];
    for (const issue of error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          issues.push({ path: formatPath(path), rule: "is not a known field", received: describeValue(valueAt(input, path)) });
        }
        continue;
      }
      issues.push({ path: formatPath(issue.path), rule: issue.message, received: describeValue(valueAt(input, issue.path)) });
    }
    return new InvalidOptionsError(subject, issues);
  }
}

/** A child attempt ran past the per-child `timeout`. It was unsubscribed (its AbortSignal fired). */
export class ChildTimeoutError extends Error {
  override readonly name = "ChildTimeoutError";
  constructor(
    readonly child: string,
    readonly index: number,
    readonly timeoutMs: number,
  ) {
    super(`Node ${child} timed out after ${timeoutMs}ms`);
  }
}

/** Why a run ended without a result. */
export type FailureReason = "child_failed" | "child_timed_out" | "global_timeout" | "failure_budget_exceeded" | "cancelled" | "input_error";

/** One failed, timed-out or cancelled child, as reported in `errors`. */
export interface ChildErrorEntry {
  /** Position of the child in the input. */
  readonly index: number;
  /** The child's name. */
  readonly node: string;
  readonly status: "failed" | "timed_out" | "cancelled";
  /** The error message (the original error is on the non-enumerable `cause`). */
  readonly error: string;
  /** Attempts made (0 for a child cancelled before it started). */
  readonly attempts: number;
  readonly cause?: unknown;
}

/**
 * The run failed: fail-fast saw a failure, the global timeout fired, the failure budget was
 * exceeded, the caller cancelled, or the list of children itself failed. Carries what was known
 * when it stopped: the final `execution_info`, the partial `results` (null where a child has no
 * result) and every failure, timeout and cancellation.
 */
export class ParallelExecutionError<T = unknown> extends Error {
  override readonly name = "ParallelExecutionError";
  constructor(
    message: string,
    readonly reason: FailureReason,
    readonly info: ExecutionInfo,
    readonly results: readonly (T | null)[],
    readonly errors: readonly ChildErrorEntry[],
    /** The child that caused a fail-fast stop, when there is one. */
    readonly child: { readonly index: number; readonly name: string } | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The cause recorded for a child that the run stopped (it was running) or never started, because
 * fail-fast, the global timeout, the failure budget or the caller ended the run.
 */
export class ChildCancelledError extends Error {
  override readonly name = "ChildCancelledError";
  constructor(
    readonly child: string,
    readonly index: number,
    /** Why the run stopped. */
    readonly runStopReason: string,
    /** False when the child never started. */
    readonly started: boolean,
  ) {
    super(`Node ${child} was ${started ? "cancelled" : "not started"}: ${runStopReason}`);
  }
}
