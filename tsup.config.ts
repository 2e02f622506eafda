import { cp } from "node:fs/promises";
import { defineConfig } from "tsup";

/**
 * The package's public entry points: import name, source, and output path under dist/ (the
 * `exports` map of package.json points at `dist/<out>.js|.cjs|.d.ts|.d.cts`; spec/package checks
 * that it does). The docs test builds these same entries.
 */
export const PUBLIC_ENTRIES = {
  "@blok-ts/parallel-execution": { source: "src/index.ts", out: "index" },
  "@blok-ts/parallel-execution/core": { source: "src/core/index.ts", out: "core/index" },
  "@blok-ts/parallel-execution/python": { source: "src/python.ts", out: "python/index" },
  "@blok-ts/parallel-execution/worker": { source: "src/worker.ts", out: "worker/index" },
  "@blok-ts/parallel-execution/queue": { source: "src/queue.ts", out: "queue/index" },
  "@blok-ts/parallel-execution/telemetry": { source: "src/telemetry.ts", out: "telemetry/index" },
} as const;

export default defineConfig({
  entry: {
    ...Object.fromEntries(Object.values(PUBLIC_ENTRIES).map(({ source, out }) => [out, source])), cli: "src/cli/main.ts",
    // What every worker-pool thread loads (dist/worker-thread.cjs; see src/runtimes/worker/threadEntry.ts).
    "worker-thread": "src/runtimes/worker/thread/workerEntry.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // CJS output needs import.meta.url (asset paths: the worker entry, the Python proto).
  shims: true,
  // The live run page's sources, read at run time (new URL("./view/", import.meta.url)).
  async onSuccess() {
    await cp("src/server/view", "dist/view", { recursive: true });
  },
});
