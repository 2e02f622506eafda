/** Span attribute names, one place for the code, the tests and docs/observability.md. */
export const ATTR = {
  workflow: "blok.workflow.name",
  runId: "blok.run.id",
  step: "blok.step.name",
  node: "blok.step.node",
  container: "blok.container.step",
  child: "blok.child.name",
  index: "blok.child.index",
  attempt: "blok.child.attempt",
  outcome: "blok.child.outcome",
  runtime: "blok.child.runtime",
  retryDelay: "blok.child.retry_delay_ms",
  queue: "blok.queue.name",
  job: "blok.queue.job_id",
} as const;

/** The tracer's (instrumentation scope's) name. */
export const TRACER_NAME = "@blok-ts/parallel-execution";
