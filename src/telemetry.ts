/**
 * `@blok-ts/parallel-execution/telemetry`: OpenTelemetry spans for workflow runs, their steps and
 * every child attempt, exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the
 * SDK packages are optional peers, loaded only then). See docs/observability.md.
 * @packageDocumentation
 */
export { ATTR, createTracing, RunTracer, startTracing, type Tracing, tracingRequested } from "./telemetry/index.js";
