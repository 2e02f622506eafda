/**
 * The framework-free reactive executor: children in, one run out (events + ordered result).
 * Depends on rxjs and zod only.
 * @packageDocumentation
 */
export { retryDelay } from "./backoff.js";
export { type Attempt, asyncChild, type Child } from "./child.js";
export {
  ChildCancelledError,
  type ChildErrorEntry,
  ChildTimeoutError,
  type FailureReason,
  InvalidOptionsError,
  type OptionIssue,
  ParallelExecutionError,
} from "./errors.js";
export type { ChildEvent, FinishedEvent, ParallelEvent, ParallelResult, ProgressEvent } from "./events.js";
export { type ExecuteOptions, executeParallel, executeValidated, type ParallelExecution } from "./executeParallel.js";
export type { ChildRecord, ChildStatus, ExecutionInfo } from "./executionInfo.js";
export { type FromAbortableOptions, fromAbortable } from "./fromAbortable.js";
export type { ChildrenInput } from "./internal/childFeed.js";
export {
  type DescribedOption,
  EXECUTION_DEFAULTS,
  EXECUTION_LIMITS,
  type ExecutionBounds,
  type ExecutionOptions,
  type ExecutionOptionsInput,
  executionOptionsSchema,
  executionOptionsShape,
  type ExecutionSchemaSpec,
  failureBudgetSchema,
  type OptionWording,
  parseExecutionOptions,
  type Range,
  requireContinuePartialForBudget,
  type RetryPolicy,
  retryPolicySchema,
} from "./options.js";
export { parallel } from "./parallel.js";
export { type ProgressMode, type RunOptions, validateRunOptions } from "./runOptions.js";
