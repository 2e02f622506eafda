import { describe, expect, it } from "vitest";
import { startTracing, tracingRequested } from "../../src/telemetry/index.js";

describe("startTracing", () => {
  it("is off without an OTLP endpoint, or with OTEL_SDK_DISABLED=true", async () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "TRUE" })).toBe(false);
    expect(await startTracing({})).toBeUndefined();
  });
});
