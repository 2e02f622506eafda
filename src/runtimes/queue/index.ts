export { createQueueConnector, type QueueConnectorOptions } from "./createQueueConnector.js";
export { InvalidQueueJobError, QueueConfigError, QueueConnectionError, QueueJobLostError, QueueWaitTimeoutError, RemoteChildError, ResultTooLargeError } from "./errors.js";
export {
  CHILD_TYPES,
  cancelChannel,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  INLINE_RESULT_BYTES,
  isPlainNodeName,
  LATE_RESULT_EVENT,
  PROTOCOL_VERSION,
  type QueueJobData,
  type QueueJobResult,
  readJobData,
  RESULT_TTL_SECONDS,
  resultKey,
} from "./protocol.js";
export { redactRedisUrl, resolveRedisUrl } from "./redisUrl.js";
