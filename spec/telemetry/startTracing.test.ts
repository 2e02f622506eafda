import { describe, expect, it } from "vitest";
import { startTracing, TelemetryPackageMissingError, tracingRequested } from "../../src/telemetry/index.js";
import { load } from "../../src/telemetry/startTracing.js";

describe("startTracing", () => {
  it("is off without an OTLP endpoint, or with OTEL_SDK_DISABLED=true", async () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "TRUE" })).toBe(false);
    expect(await startTracing({})).toBeUndefined();
  });

  it("names the SDK package to install when one is missing", async () => {
    const missing = "@opentelemetry/not-installed-for-this-test";
    const error = await load(missing, () => import(/* @vite-ignore */ missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryPackageMissingError);
    expect((error as Error).message).toBe(
      `OTEL_EXPORTER_OTLP_ENDPOINT is set, so traces are exported, but the package ${missing} is not installed: npm install ${missing} (or unset OTEL_EXPORTER_OTLP_ENDPOINT)`,
    );
  });

  it("lets other import failures through", async () => {
    const broken = new SyntaxError("Unexpected token");
    await expect(load("@opentelemetry/core", () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
