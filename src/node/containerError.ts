import type { GlobalError } from "../blok/index.js";
import type { InvalidOptionsError, ParallelExecutionError } from "../core/index.js";
import type { BlokHost } from "./host.js";
import type { ChildResolutionError } from "./planChildren.js";

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
 * `results` and every error entry, so callers can see how far the run got.
 */
export function runFailure(host: BlokHost, stepName: string, error: ParallelExecutionError): GlobalError {
  const failure = new host.GlobalError(error.message);
  failure.setCode(codeOf(error));
  failure.setJson({
    error: error.message,
    reason: error.reason,
    ...(error.child ? { node: error.child.name } : {}),
    results: error.results,
    errors: error.errors,
    execution_info: error.info,
  });
  failure.setName(stepName);
  return failure;
}

/** The workflow-level error for a container that could not start: bad config or an unresolvable child. */
export function setupFailure(host: BlokHost, stepName: string, error: InvalidOptionsError | ChildResolutionError): GlobalError {
  const failure = new host.GlobalError(error.message);
  failure.setCode(500);
  failure.setJson({ error: error.message, ...("issues" in error ? { issues: error.issues } : { node: error.child }) });
  failure.setName(stepName);
  return failure;
}
