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
} as const;

export default defineConfig({
  entry: { ...Object.fromEntries(Object.values(PUBLIC_ENTRIES).map(({ source, out }) => [out, source])), cli: "src/cli/main.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // CJS output needs import.meta.url (asset paths: the worker entry, the Python proto).
  shims: true,
  // The worker-thread entry is CommonJS loaded by path at run time (new URL("./thread/...",
  // import.meta.url)), not an import: copy it next to the chunks that point at it.
  async onSuccess() {
    await cp("src/runtimes/worker/thread", "dist/thread", { recursive: true, filter: (source) => !/\.d\.[cm]?ts$/.test(source) });
  },
});
