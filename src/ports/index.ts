/**
 * The ports between the container and the runtimes that run its children: what a child is
 * (`ChildStep`), who turns it into a node (`ChildResolver`), what crosses to a queue worker
 * (`RemoteChildJob`, `QueueConnector`, the queue settings), the hooks a child reads from its context
 * and the trace context a runtime forwards (`traceCarrier`). Both
 * `node/` and `runtimes/` depend on this module; neither depends on the other.
 * @module
 */
export type { ChildResolver, ChildStep } from "./childStep.js";
export { type ChildHooks, reportTiming, setChildHooks, toPlain } from "./childHooks.js";
export { setTraceCarrierSource, type TraceCarrier, traceCarrier } from "./traceCarrier.js";
export {
  MAX_RESULT_BYTES_LIMIT,
  maxResultBytesSchema,
  QUEUE_DEFAULTS,
  QUEUE_NAME_PATTERN,
  QUEUE_NAME_RULE,
  type QueueConfig,
  queueSettingsSchema,
  REDIS_URL_PATTERN,
  REDIS_URL_RULE,
} from "./queueSettings.js";
export {
  type QueueConnector,
  type QueueSettings,
  REMOTE_REQUEST_FIELDS,
  type RemoteChildJob,
  type RemoteContext,
  type RemoteExecutor,
  type RemoteOutcome,
  type RemoteSession,
} from "./remoteJob.js";
