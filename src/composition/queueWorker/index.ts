export { type QueueWorkerEvent } from "./queueWorkerEvent.js";
export { type QueueWorkerOptions, RECOVERY_DEFAULTS } from "./queueWorkerOptions.js";
export { type QueueWorker, startQueueWorker } from "./startQueueWorker.js";
