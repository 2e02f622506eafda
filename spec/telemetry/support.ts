import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createTracing, type Tracing } from "../../src/telemetry/index.js";

/** Tracing into memory: every span is in `spans()` as soon as it ends. */
export function inMemoryTracing(): { tracing: Tracing; spans(): ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracing: createTracing(provider, new W3CTraceContextPropagator()), spans: () => exporter.getFinishedSpans() };
}

/** A span's parent span id, or undefined for a root. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
