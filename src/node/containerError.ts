import type { GlobalError } from "../blok/index.js";
import type { InvalidOptionsError, ParallelExecutionError } from "../core/index.js";
import type { BlokHost } from "./host.js";
import type { ChildResolutionError, NestingError } from "./errors.js";

function codeOf(error: ParallelExecutionError): number {
  if (error.reason === "child_timed_out" || error.reason === "global_timeout") return 504;
  const context = (error.cause as { context?: { code?: unknown } } | undefined)?.context;
  if (error.reason === "child_failed" && typeof context?.code === "number") return context.code;
  return 500;
}

/**
 * The workflow-level error for a failed container run, built on the host's GlobalError so the
 * host runner keeps its code and json: 504 for timeouts, the failed child's own code when it had
 * one, else 500. The json carries the reason, the failing child, `execution_info`, the partial
 * `results` and every error entry, so callers can see how far the run got. The message names the
 * failed child and its cause; for a global timeout or an exceeded failure budget, the children
 * concerned.
 */
export function runFailure(host: BlokHost, stepName: string, error: ParallelExecutionError): GlobalError {
  const failure = new host.GlobalError(error.message + culprits(error));
  failure.setCode(codeOf(error));
  failure.setJson({
    error: failure.message,
    reason: error.reason,
    ...(error.child ? { node: error.child.name } : {}),
    results: error.results,
    errors: error.errors,
    execution_info: error.info,
  });
  failure.setName(stepName);
  keepCause(failure, error);
  return failure;
}

/**
 * Links the core's error as `cause` (non-enumerable, like a native cause): the host GlobalError's
 * constructor takes no options, and without it a stack trace ends at the container, not at the
 * failing child.
 */
function keepCause(failure: GlobalError, cause: unknown): void {
  Object.defineProperty(failure, "cause", { value: cause, enumerable: false, writable: true, configurable: true });
}

const MAX_NAMED = 5;

function nameList(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED).join(", ");
  return names.length > MAX_NAMED ? `${shown} and ${names.length - MAX_NAMED} more` : shown;
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/**
 * What the core's message leaves out when no single child caused the stop: a global timeout's
 * message names no child and a failure budget's only counts them, so the children concerned
 * (and each failure's cause) are appended. Fail-fast and cancellation messages are complete.
 */
function culprits(error: ParallelExecutionError): string {
  if (error.reason === "global_timeout") {
    const stopped = error.errors.filter((entry) => entry.status === "cancelled" && entry.attempts > 0).map((entry) => entry.node);
    const waiting = error.errors.filter((entry) => entry.status === "cancelled" && entry.attempts === 0).map((entry) => entry.node);
    return `${stopped.length ? `; stopped while running: ${nameList(stopped)}` : ""}${waiting.length ? `; not started: ${nameList(waiting)}` : ""}`;
  }
  if (error.reason === "failure_budget_exceeded") {
    const failed = error.errors
      .filter((entry) => entry.status === "failed" || entry.status === "timed_out")
      .map((entry) => `${entry.node} (${entry.status === "timed_out" ? "timed out" : shorten(entry.error)})`);
    return failed.length ? `; failed: ${nameList(failed)}` : "";
  }
  return "";
}

function setupDetails(error: InvalidOptionsError | ChildResolutionError | NestingError): Record<string, unknown> {
  if ("issues" in error) return { issues: error.issues };
  if ("chain" in error) return { chain: error.chain, ...(error.limit ? { max_depth: error.limit.max_depth, max_depth_step: error.limit.step } : {}) };
  return { node: error.child };
}

/** The workflow-level error for a container that could not start: bad config, an unresolvable child, a nesting cycle or too deep a nesting. */
export function setupFailure(host: BlokHost, stepName: string, error: InvalidOptionsError | ChildResolutionError | NestingError): GlobalError {
  const failure = new host.GlobalError(error.message);
  failure.setCode(500);
  failure.setJson({ error: error.message, ...setupDetails(error) });
  failure.setName(stepName);
  keepCause(failure, error);
  return failure;
}

/**
 * The workflow-level error for a queue run that could not open its session: 503 when Redis could
 * not be reached (`QueueConnectionError`: retrying later may work), 500 for a configuration
 * problem (no or a bad Redis URL); the json names the reason and the queue.
 */
export function queueFailure(host: BlokHost, stepName: string, queue: string, error: unknown): GlobalError {
  const message = error instanceof Error ? error.message : String(error);
  const unreachable = (error as { name?: unknown } | undefined)?.name === "QueueConnectionError";
  const failure = new host.GlobalError(message);
  failure.setCode(unreachable ? 503 : 500);
  failure.setJson({ error: message, reason: unreachable ? "queue_unavailable" : "queue_config", queue });
  failure.setName(stepName);
  keepCause(failure, error);
  return failure;
}
