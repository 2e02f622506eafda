/**
 * `@blok-ts/parallel-execution/queue`: the BullMQ/Redis queue backend (optional peers `bullmq` and
 * `ioredis`; importing this entry without them throws `MissingPeerError`). The container side
 * (`createQueueConnector`) and the worker application that runs queued children
 * (`startQueueWorker`, also `blok-parallel worker`).
 * @packageDocumentation
 */
export * from "./runtimes/queue/index.js";
export * from "./composition/queueWorker/index.js";
