export { type BlokServer, DEFAULT_BODY_LIMIT_MB, DEFAULT_HOST, DEFAULT_PORT, type ServerOptions, startServer } from "./createServer.js";
export { type RunError, RunCancelledError, type RunStatus, type RunView } from "./run.js";
export { type RunStoreLimits } from "./runStore.js";
export { END_EVENT, type RunEvent } from "./runEventLog.js";
export { type SseOptions } from "./sseStream.js";
export { compilePathPattern, RESERVED_NAMES, WorkflowFolderError, type WorkflowRoute } from "./workflowRoutes.js";
