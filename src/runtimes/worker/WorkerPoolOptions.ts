import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { z } from "zod";
import { defaultHeapMb } from "./defaultHeapMb.js";
import { threadFlags } from "./threadExecArgv.js";

const count = (min: number) =>
  z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(min, { error: `must be at least ${min}` });

/**
 * Options of a {@link WorkerPool}. Every field is optional; the defaults suit a pool that lives
 * for one workflow run and is destroyed with it.
 */
export const workerPoolOptionsSchema = z
  .object({
    /**
     * Most threads alive at once. Default: `os.availableParallelism()`. More threads than cores
     * only adds contention for CPU-bound nodes; fewer leaves cores idle.
     */
    maxThreads: count(1).optional(),
    /**
     * Threads kept alive while idle. Default 0: threads start on demand, so a run without worker
     * children starts none. Raise it to take thread start-up (~tens of ms) off the first tasks.
     */
    minThreads: count(0).default(0),
    /** How long a thread above `minThreads` may stay idle before it is stopped. Default 30 s. */
    idleTimeoutMs: count(0).default(30_000),
    /**
     * Heap limit of each thread (V8 old generation), in MB. A node that exceeds it fails with
     * `WorkerHeapLimitError` ("exceeded its N MB heap limit"); only its own thread dies, and the
     * pool starts another. Default: the process's `--max-old-space-size` when it was started with
     * one, else {@link defaultHeapMb} (all threads together within a quarter of the machine's
     * memory), so a runaway node cannot take the host down.
     */
    maxHeapMb: count(16).optional(),
    /**
     * Node flags of each thread. Default: the process's flags without module loaders and
     * preloads, and without the flags a thread rejects (see `threadFlags`). Heap and stack flags
     * given here or to the process (`--max-old-space-size`, `--stack-size`) become the thread's
     * `resourceLimits`; other flags a thread rejects are an error here.
     */
    execArgv: z.array(z.string({ error: "must be an array of strings" })).optional(),
  })
  .strict();

/** What `new WorkerPool(options)` accepts. */
export type WorkerPoolOptions = z.input<typeof workerPoolOptionsSchema>;

/** The options with every default applied, and the thread flags resolved. */
export type FilledWorkerPoolOptions = Omit<z.output<typeof workerPoolOptionsSchema>, "execArgv" | "maxHeapMb"> & {
  readonly maxThreads: number;
  readonly maxHeapMb: number;
  /** Flags each thread starts with (all accepted by worker threads). */
  readonly execArgv: string[];
  /** The heap cap and, from `--stack-size`, the stack size. */
  readonly resourceLimits: ResourceLimits;
};

/**
 * Validates options eagerly and fills in the defaults.
 *
 * @param options what the caller passed
 * @returns the options with defaults, `maxThreads` and `maxHeapMb` included, and the thread flags split
 *   into `execArgv` and `resourceLimits`
 * @throws {RangeError} on the first invalid or unknown field, e.g. "Cannot create worker pool
 *   as 'maxThreads' must be at least 1: received 0", or an `execArgv` flag threads reject
 */
export function parseWorkerPoolOptions(options: WorkerPoolOptions): FilledWorkerPoolOptions {
  const parsed = workerPoolOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = issue.path.join(".");
    if (field === "") throw new RangeError(`Cannot create worker pool: ${issue.message}`);
    const received = (options as Record<string, unknown>)[field];
    throw new RangeError(`Cannot create worker pool as '${field}' ${issue.message}: received ${String(received)}`);
  }
  const { minThreads } = parsed.data;
  const maxThreads = parsed.data.maxThreads ?? Math.max(availableParallelism(), minThreads);
  if (minThreads > maxThreads) {
    throw new RangeError(
      `Cannot create worker pool as 'minThreads' must not exceed 'maxThreads': received ${minThreads} and ${maxThreads}`,
    );
  }
  const flags = threadFlags(parsed.data.execArgv ?? process.execArgv);
  if (parsed.data.execArgv !== undefined && flags.rejected.length > 0) {
    throw new RangeError(`Cannot create worker pool as 'execArgv' holds flags worker threads reject: ${flags.rejected.join(", ")}`);
  }
  const { stackSizeMb, maxOldGenerationSizeMb } = flags.resourceLimits;
  const maxHeapMb = parsed.data.maxHeapMb ?? maxOldGenerationSizeMb ?? defaultHeapMb(maxThreads);
  return {
    ...parsed.data,
    maxThreads,
    maxHeapMb,
    execArgv: flags.execArgv,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, ...(stackSizeMb === undefined ? {} : { stackSizeMb }) },
  };
}
