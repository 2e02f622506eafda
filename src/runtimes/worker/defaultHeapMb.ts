import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";

/** Share of the machine's memory that all the threads of one pool may hold together, by default. */
const POOL_SHARE = 0.25;
/** Below this a thread cannot even load a typical node module with its dependencies. */
const MIN_HEAP_MB = 64;

/** What {@link defaultHeapMb} reads of the machine; injectable for tests. */
export interface MemoryFacts {
  /** Memory of the machine or container, in bytes: `process.constrainedMemory()` when set (cgroup limit), else `os.totalmem()`. */
  readonly memoryBytes: number;
  /** This process's own V8 heap limit, in bytes (`--max-old-space-size`, or V8's default for the machine). */
  readonly hostHeapLimitBytes: number;
}

function machine(): MemoryFacts {
  const total = totalmem();
  // Unconstrained, Node reports 2^64 - 1 (or 0): use the machine's memory then.
  const constrained = process.constrainedMemory?.() ?? 0;
  return { memoryBytes: constrained > 0 && constrained < total ? constrained : total, hostHeapLimitBytes: getHeapStatistics().heap_size_limit };
}

/**
 * The heap cap (V8 old generation, MB) of each worker thread when nobody sets one: all `threads`
 * together may take a quarter of the machine's (or container's) memory, and no thread more than
 * the host's own heap limit, with a floor of 64 MB. A runaway child then fails with "exceeded its
 * N MB heap limit" while the host keeps most of the memory; without a cap V8 lets a thread grow
 * to the machine's limit (one child took a process to 4.3 GB).
 *
 * @param threads the pool's `maxThreads`
 * @param facts the machine's memory (read from the process by default)
 * @returns the cap in whole MB
 */
export function defaultHeapMb(threads: number, facts: MemoryFacts = machine()): number {
  const mb = 1024 * 1024;
  const share = (facts.memoryBytes * POOL_SHARE) / Math.max(1, threads) / mb;
  return Math.max(MIN_HEAP_MB, Math.floor(Math.min(share, facts.hostHeapLimitBytes / mb)));
}
