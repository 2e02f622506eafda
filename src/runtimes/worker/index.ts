/**
 * Worker-thread runtime: runs CPU-heavy JavaScript/TypeScript nodes in a piscina pool, with real
 * cancellation (the thread is terminated) and typed, node-naming errors.
 * See docs/worker-isolation.md.
 *
 * @module
 */
export {
  WorkerPool,
  type WorkerPoolStats,
  type WorkerRunOptions,
  type WorkerTask,
  type WorkerTaskResult,
} from "./WorkerPool.js";
export {
  parseWorkerPoolOptions,
  workerPoolOptionsSchema,
  type FilledWorkerPoolOptions,
  type WorkerPoolOptions,
} from "./WorkerPoolOptions.js";
export { threadExecArgv, threadFlags, type ThreadFlags, type ThreadResourceLimits } from "./threadExecArgv.js";
export { defaultHeapMb, type MemoryFacts } from "./defaultHeapMb.js";
export { WorkerNode } from "./WorkerNode.js";
export type { SerialisedError, WorkerTaskTiming } from "./protocol.js";
export type { UncloneableValue } from "./thread/locateUncloneable.js";
export { WorkerRuntimeError } from "./errors.js";
export { WorkerNodeError, type WorkerNodeFailure } from "./errors.js";
export { WorkerCrashedError } from "./errors.js";
export { WorkerHeapLimitError } from "./errors.js";
export { WorkerTaskAbortedError } from "./errors.js";
export { WorkerCloneError, type CloneDirection } from "./errors.js";
export { WorkerEntryLoadError, WorkerPoolDestroyedError } from "./errors.js";
