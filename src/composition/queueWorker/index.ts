export { type QueueWorker, type QueueWorkerEvent, type QueueWorkerOptions, RECOVERY_DEFAULTS, startQueueWorker } from "./startQueueWorker.js";
