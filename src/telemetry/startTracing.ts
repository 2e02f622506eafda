import { context, propagation, trace } from "@opentelemetry/api";
import { EnterableContextManager } from "./EnterableContextManager.js";
import { importPeer } from "../peers/index.js";
import { createTracing, type Tracing } from "./Tracing.js";

/**
 * The standard variables that turn exporting on. The exporter itself also honours
 * `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_TRACES_HEADERS` and `OTEL_EXPORTER_OTLP_TIMEOUT`;
 * the resource takes `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`.
 */
const ENDPOINT_VARIABLES = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] as const;

/** The service name when `OTEL_SERVICE_NAME` does not give one. */
export const DEFAULT_SERVICE_NAME = "blok-parallel";

/** Whether `env` asks for traces to be exported (an OTLP endpoint is set and the SDK is not disabled). */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.OTEL_SDK_DISABLED?.toLowerCase() !== "true" && ENDPOINT_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * Starts exporting traces over OTLP/HTTP (JSON) when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, and does nothing otherwise: the SDK packages
 * (`@opentelemetry/sdk-trace-base`, `@opentelemetry/exporter-trace-otlp-http`,
 * `@opentelemetry/resources`, `@opentelemetry/core`) are loaded only then, so a process that does
 * not trace never loads them. Registers the provider, the W3C propagator and the context manager
 * globally, so nodes using `@opentelemetry/api` see the run's spans as their parents.
 *
 * @param env - the environment to read (default `process.env`).
 * @returns the tracing (call `shutdown()` on exit: it exports the spans still buffered), or `undefined`.
 * @throws `MissingPeerError` when tracing is asked for and an SDK package is missing (it names all four).
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!tracingRequested(env)) return undefined;
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { defaultResource, detectResources, envDetector, resourceFromAttributes }, { W3CTraceContextPropagator }] =
    await Promise.all([
      importPeer<typeof import("@opentelemetry/sdk-trace-base")>("@opentelemetry/sdk-trace-base"),
      importPeer<typeof import("@opentelemetry/exporter-trace-otlp-http")>("@opentelemetry/exporter-trace-otlp-http"),
      importPeer<typeof import("@opentelemetry/resources")>("@opentelemetry/resources"),
      importPeer<typeof import("@opentelemetry/core")>("@opentelemetry/core"),
    ]);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": DEFAULT_SERVICE_NAME }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  const propagator = new W3CTraceContextPropagator();
  const manager = new EnterableContextManager();
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(propagator);
  context.setGlobalContextManager(manager);
  const tracing = createTracing(provider, propagator, manager);
  return {
    ...tracing,
    shutdown: async () => {
      await tracing.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
