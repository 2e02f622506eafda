import { findLocalNodeFile } from "../runtimes/local/index.js";
import type { WorkerPool } from "../runtimes/worker/index.js";
import type { RuntimePlugin } from "./createEnvironment.js";

/** Options of {@link workerPlugin}. */
export interface WorkerPluginOptions {
  /** Directory of local nodes; `NODES_PATH` when omitted. */
  readonly nodesDir?: string;
  /** Thread count; default one per core. */
  readonly threads?: number;
  /**
   * Heap cap of each thread in MB: a child allocating past it fails with "exceeded its N MB heap
   * limit" and the host stays up. Default: the process's `--max-old-space-size`, else a quarter of
   * the machine's memory shared by the threads (see `WorkerPoolOptions.maxHeapMb`).
   */
  readonly heapMb?: number;
}

/**
 * `local` children with isolation `worker`: the pool is created on first use, sized to the
 * machine by default, and destroyed (every thread terminated) by `close()`. The runtime's code (and
 * its optional peer piscina) is imported on first use too.
 */
export function workerPlugin(options: WorkerPluginOptions = {}): RuntimePlugin {
  let pool: WorkerPool | undefined;
  return {
    resolveWorker: async (step) => {
      const nodesDir = options.nodesDir ?? process.env.NODES_PATH ?? "";
      const file = await findLocalNodeFile(step.node, nodesDir);
      // Imported on first use, so the package's root never loads piscina.
      const { WorkerNode, WorkerPool } = await import("../runtimes/worker/index.js");
      pool ??= new WorkerPool({
        ...(options.threads === undefined ? {} : { maxThreads: options.threads }),
        ...(options.heapMb === undefined ? {} : { maxHeapMb: options.heapMb }),
      });
      return new WorkerNode(pool, file);
    },
    close: async () => {
      await pool?.destroy();
    },
  };
}
