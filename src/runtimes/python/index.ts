/**
 * Python children over Blok's gRPC protocol: the client, the bundled-runtime launcher, and the
 * helpers that turn a Blok context and environment into a call.
 */
export { buildPythonContext, type PythonContext, type PythonContextSource, type PythonRequestSubset } from "./buildPythonContext.js";
export {
  PythonCallAbortedError,
  PythonCallTimeoutError,
  PythonInterpreterNotFoundError,
  PythonMessageTooLargeError,
  PythonNodeError,
  PythonRuntimeCrashError,
  PythonRuntimeDownError,
  PythonRuntimeError,
  PythonRuntimeProtocolError,
  PythonRuntimeStartError,
  PythonRuntimeUnavailableError,
  type PythonCandidateRejection,
  type PythonMessageDirection,
  type PythonNodeErrorDetails,
  type PythonRuntimeStartFailure,
} from "./errors.js";
export { DEFAULT_PYTHON_CANDIDATES, findPythonInterpreter, type FindPythonInterpreterOptions } from "./findPythonInterpreter.js";
export { openPythonRuntime, type OpenedPythonRuntime, type OpenPythonRuntimeOptions } from "./openPythonRuntime.js";
export {
  BLOK_NODE_SERVICE_NAME,
  checkNodeServiceName,
  NODE_SERVICE_NAMES,
  RELEASED_NODE_SERVICE_NAME,
} from "./nodeServiceMethod.js";
export {
  HEALTH_PROBE_NODE,
  PythonRuntimeClient,
  type PythonCallGate,
  type PythonInFlightCall,
  type PythonCallTiming,
  type PythonExecuteRequest,
  type PythonExecuteResult,
  type PythonRuntimeClientOptions,
} from "./PythonRuntimeClient.js";
export { PythonNode } from "./PythonNode.js";
export {
  DEFAULT_PYTHON_RUNTIME_PORT,
  maxMessageMbToBytes,
  pythonRuntimeFromEnv,
  pythonWireFromEnv,
  type PythonRuntimeAddress,
  type PythonWireSettings,
} from "./pythonRuntimeFromEnv.js";
export {
  superviseBundledRuntime,
  type PythonRuntimeAvailability,
  type PythonSupervisionOptions,
  type SupervisedPythonRuntime,
} from "./superviseBundledRuntime.js";
export {
  PYTHON_RUNTIME_BLOCKED_PREFIX,
  PYTHON_RUNTIME_READY_PREFIX,
  type PythonRuntimeBlockedReport,
  startPythonRuntime,
  type PythonRuntimeExit,
  type PythonRuntimeLogStream,
  type PythonRuntimeProcess,
  type StartPythonRuntimeOptions,
} from "./startPythonRuntime.js";
