/**
 * W3C trace context of the work in progress, as text fields (`traceparent`, and `tracestate`
 * when there is one): what a runtime forwards to a process it calls (gRPC metadata of a Python
 * call, the data of a queue job) so that process continues the trace.
 */
export type TraceCarrier = Readonly<Record<string, string>>;

// Set by the tracing of the process, when it is on; runtimes only read it. A module variable,
// as OpenTelemetry's own global tracer provider is: one process, one tracing.
let source: (() => TraceCarrier | undefined) | undefined;

/**
 * Installs (or, with `undefined`, removes) what {@link traceCarrier} answers with. Called by the
 * telemetry room when tracing starts and stops.
 */
export function setTraceCarrierSource(next: (() => TraceCarrier | undefined) | undefined): void {
  source = next;
}

/**
 * The trace context of the current work (a child attempt, a step), to hand to another process;
 * `undefined` when tracing is off or nothing is being traced.
 */
export function traceCarrier(): TraceCarrier | undefined {
  return source?.();
}
