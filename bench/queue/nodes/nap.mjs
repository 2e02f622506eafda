import { writeFileSync } from "node:fs";
import { join } from "node:path";

// Sleeps `ms` (or until aborted) after writing <marker_dir>/started = "<pid> <epoch ms>": the
// recovery benchmark sees when, and where, the job (re)started.
export default {
  async handle(ctx, inputs = {}) {
    if (inputs.marker_dir) writeFileSync(join(inputs.marker_dir, "started"), `${process.pid} ${Date.now()}`);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, Number(inputs.ms ?? 0));
      ctx.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason ?? new Error("aborted"));
      });
    });
    return { pid: process.pid };
  },
};
