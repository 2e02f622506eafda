import { availableParallelism } from "node:os";
import { z } from "zod";

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
     * Heap limit of each thread (V8 old generation), in MB. A node that exceeds it kills only its
     * own thread (`WorkerCrashedError`, `ERR_WORKER_OUT_OF_MEMORY`). Default: V8's own limit,
     * which lets a runaway node take gigabytes before its thread dies.
     */
    maxHeapMb: count(16).optional(),
    /**
     * Node flags of each thread. Default: the process's flags without module loaders and
     * preloads (see `threadExecArgv`), which would otherwise be set up again in every thread.
     */
    execArgv: z.array(z.string({ error: "must be an array of strings" })).optional(),
  })
  .strict();

/** What `new WorkerPool(options)` accepts. */
export type WorkerPoolOptions = z.input<typeof workerPoolOptionsSchema>;

/** The options with every default applied. */
export type FilledWorkerPoolOptions = z.output<typeof workerPoolOptionsSchema> & { readonly maxThreads: number };

/**
 * Validates options eagerly and fills in the defaults.
 *
 * @param options what the caller passed
 * @returns the options with defaults, `maxThreads` included
 * @throws {RangeError} on the first invalid or unknown field, e.g. "Cannot create worker pool
 *   as 'maxThreads' must be at least 1: received 0"
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
  return { ...parsed.data, maxThreads };
}
