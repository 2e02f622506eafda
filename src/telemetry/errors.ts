/** Tracing was asked for (`OTEL_EXPORTER_OTLP_ENDPOINT` is set) but an OpenTelemetry SDK package is not installed. */
export class TelemetryPackageMissingError extends Error {
  override readonly name = "TelemetryPackageMissingError";

  constructor(
    /** The package to install. */
    readonly packageName: string,
    options: { cause: unknown },
  ) {
    super(
      `OTEL_EXPORTER_OTLP_ENDPOINT is set, so traces are exported, but the package ${packageName} is not installed: ` +
        `npm install ${packageName} (or unset OTEL_EXPORTER_OTLP_ENDPOINT)`,
      options,
    );
  }
}
