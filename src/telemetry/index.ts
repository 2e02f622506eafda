/**
 * Tracing: OpenTelemetry spans for workflow runs, their steps and every child attempt, made from
 * the runner's observer hooks and the executor's event stream (the core knows nothing of it),
 * exported over OTLP/HTTP when the standard variables ask for it. See docs/observability.md.
 * @module
 */
export { ATTR, TRACER_NAME } from "./attributes.js";
export { ChildSpans } from "./ChildSpans.js";
export { childRuntime } from "./childRuntime.js";
export { EnterableContextManager } from "./EnterableContextManager.js";
export { recordFailure, RunTracer } from "./RunTracer.js";
export { DEFAULT_SERVICE_NAME, startTracing, tracingRequested } from "./startTracing.js";
export { createTracing, type OwnedTracerProvider, type Tracing } from "./Tracing.js";
