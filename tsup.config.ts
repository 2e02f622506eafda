import { cp } from "node:fs/promises";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts", "core/index": "src/core/index.ts", "queue/index": "src/queue.ts", cli: "src/cli/main.ts",
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
  // The OpenTelemetry SDK (devDependencies) is imported only when tracing is on: never bundled.
  external: [/^@opentelemetry\//],
  // The live run page's sources, read at run time (new URL("./view/", import.meta.url)).
  async onSuccess() {
    await cp("src/server/view", "dist/view", { recursive: true });
  },
});
