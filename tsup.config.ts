import { cp } from "node:fs/promises";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "core/index": "src/core/index.ts", "queue/index": "src/queue.ts", cli: "src/cli/main.ts" },
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
    // The live run page's sources, read at run time (new URL("./view/", import.meta.url)).
    await cp("src/server/view", "dist/view", { recursive: true });
  },
});
