import { createRequire } from "node:module";
import { MissingPeerError } from "./errors.js";

// The OpenTelemetry SDK: needed together, only by a process that exports traces.
const TRACING = {
  feature: "exporting traces (OTEL_EXPORTER_OTLP_ENDPOINT is set)",
  install: ["@opentelemetry/sdk-trace-base", "@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/resources", "@opentelemetry/core"],
} as const;

/**
 * The optional peer dependencies: heavy libraries only one feature needs, so an app that embeds
 * the container installs none of them (see README "Install"). A checkout has them all as
 * devDependencies. Each names the feature and the packages that feature needs together.
 */
export const OPTIONAL_PEERS = {
  "@grpc/grpc-js": { feature: "the Python runtime", install: ["@grpc/grpc-js", "@grpc/proto-loader"] },
  "@grpc/proto-loader": { feature: "the Python runtime", install: ["@grpc/grpc-js", "@grpc/proto-loader"] },
  piscina: { feature: 'the worker-thread runtime (isolation "worker")', install: ["piscina"] },
  bullmq: { feature: "the queue backend", install: ["bullmq", "ioredis"] },
  ioredis: { feature: "the queue backend", install: ["bullmq", "ioredis"] },
  "prom-client": { feature: "the HTTP server (blok-parallel serve)", install: ["prom-client"] },
  tsx: { feature: "loading a TypeScript node outside a TypeScript-aware runtime", install: ["tsx"] },
  "@opentelemetry/sdk-trace-base": TRACING,
  "@opentelemetry/exporter-trace-otlp-http": TRACING,
  "@opentelemetry/resources": TRACING,
  "@opentelemetry/core": TRACING,
} as const satisfies Record<string, { readonly feature: string; readonly install: readonly string[] }>;

/** A package of {@link OPTIONAL_PEERS}. */
export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

// Resolves from this file, i.e. from the installed package, as a static import would.
const load = createRequire(import.meta.url);

/** `@grpc/grpc-js/build/x` -> `@grpc/grpc-js`, `tsx/esm/api` -> `tsx`. */
function packageOf(specifier: string): OptionalPeer {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/") as OptionalPeer;
}

/** The resolution error of `specifier`, or `undefined` when it resolves; other failures (a broken install) go through. */
function notFound(specifier: string): Error | undefined {
  try {
    load.resolve(specifier);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
    return error as Error;
  }
}

/** Throws {@link MissingPeerError} when `specifier` cannot be resolved, naming every missing package of its feature. */
function checkInstalled(specifier: string, feature: string | undefined): void {
  const error = notFound(specifier);
  if (!error) return;
  const peer = packageOf(specifier);
  const known = OPTIONAL_PEERS[peer];
  const missing = known.install.filter((name) => name === peer || notFound(name));
  throw new MissingPeerError(peer, feature ?? known.feature, `npm install ${known.install.join(" ")}`, missing, error);
}

/**
 * Loads an optional peer synchronously (its CommonJS build), for modules that a feature loads on
 * first use: the runtime modules call it at their top, and only the feature imports them.
 *
 * @param specifier - the package, or a subpath of it.
 * @param feature - what needs it, for the error; else the peer's feature.
 * @returns the module.
 * @throws {@link MissingPeerError} when the package is not installed.
 */
export function requirePeer<T>(specifier: `${OptionalPeer}` | `${OptionalPeer}/${string}`, feature?: string): T {
  checkInstalled(specifier, feature);
  return load(specifier) as T;
}

/**
 * Loads an optional peer with `import()` (its ESM build where it has one).
 *
 * @param specifier - the package, or a subpath of it.
 * @param feature - what needs it, for the error; else the peer's feature.
 * @returns the module namespace.
 * @throws {@link MissingPeerError} when the package is not installed.
 */
export async function importPeer<T>(specifier: `${OptionalPeer}` | `${OptionalPeer}/${string}`, feature?: string): Promise<T> {
  checkInstalled(specifier, feature);
  return (await import(/* @vite-ignore */ specifier)) as T;
}
