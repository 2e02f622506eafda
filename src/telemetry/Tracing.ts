import { type Attributes, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, type TextMapPropagator, trace, type TracerProvider } from "@opentelemetry/api";
import { setTraceCarrierSource, type TraceCarrier } from "../ports/index.js";
import { TRACER_NAME } from "./attributes.js";
import { EnterableContextManager } from "./EnterableContextManager.js";
import { recordFailure, RunTracer } from "./RunTracer.js";

/** A provider this process owns: it flushes and stops with the process. */
export interface OwnedTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The tracing of one process: spans for its runs and queue jobs, and the trace context its runtimes forward. */
export interface Tracing {
  /** The context manager the spans are made active with (the global one when {@link startTracing} made it). */
  readonly manager: EnterableContextManager;
  /**
   * A fresh tracer for one workflow run: its `observer` hooks and its `onEvent` container listener.
   * With `carrier` (a request's `traceparent` / `tracestate` headers) the run continues that trace.
   */
  forRun(carrier?: TraceCarrier): RunTracer;
  /**
   * Runs `work` in a span that continues the trace `carrier` names (a queue job's producer), or
   * in a new trace when there is none.
   */
  continueTrace<T>(name: string, carrier: TraceCarrier | undefined, attributes: Attributes, work: () => Promise<T>): Promise<T>;
  /** Exports what is left and stops; runtimes no longer get a trace context. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Tracing over a provider and a propagator. While it is on, `traceCarrier()` (the port the
 * runtimes read) answers with the active span's W3C context.
 *
 * @param provider - where spans go (an SDK provider with an exporter; an in-memory one in tests).
 * @param propagator - the text format of the context (W3C trace context).
 * @param manager - the context manager (a fresh one unless given).
 */
export function createTracing(provider: OwnedTracerProvider, propagator: TextMapPropagator, manager = new EnterableContextManager()): Tracing {
  const tracer = provider.getTracer(TRACER_NAME);
  const carrierSource = (): TraceCarrier | undefined => {
    const carrier: Record<string, string> = {};
    propagator.inject(manager.active(), carrier, defaultTextMapSetter);
    return carrier.traceparent ? carrier : undefined;
  };
  setTraceCarrierSource(carrierSource);
  let stopping: Promise<void> | undefined;
  return {
    manager,
    forRun: (carrier) => new RunTracer(tracer, manager, carrier ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : undefined),
    async continueTrace(name, carrier, attributes, work) {
      const parent = carrier ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : manager.active();
      const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
      try {
        return await manager.with(trace.setSpan(parent, span), work);
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
    shutdown: () =>
      (stopping ??= (async () => {
        setTraceCarrierSource(undefined);
        await provider.shutdown();
      })()),
  };
}
