/**
 * `@blok-ts/parallel-execution`: a parallel execution container node for Blok workflows, on a
 * reactive RxJS executor. The framework-free executor alone is also published as
 * `@blok-ts/parallel-execution/core`.
 * @packageDocumentation
 */
export * from "./core/index.js";
export * from "./node/index.js";
export {
  type ChildHooks,
  type ChildResolver,
  type ChildStep,
  type QueueConnector,
  type QueueSettings,
  type RemoteChildJob,
  type RemoteContext,
  type RemoteExecutor,
  type RemoteOutcome,
  type RemoteSession,
  reportTiming,
  toPlain,
} from "./ports/index.js";
export {
  type BlokEnvironment,
  type ChildResolverOptions,
  CONTAINER_KEYS,
  createChildResolver,
  createEnvironment,
  createHostChildResolver,
  type EnvironmentOptions,
  ForeignNodeError,
  type HostChildResolverOptions,
  type HostNodeSource,
  type PythonPluginOptions,
  pythonPlugin,
  type RuntimePlugin,
  type WorkerPluginOptions,
  workerPlugin,
} from "./composition/index.js";
export {
  type Context,
  createContext,
  ExpressionTimeoutError,
  GlobalError,
  type INodeBlokResponse,
  NodeBase,
  NodeBlok,
  NodeBlokResponse,
  Runner,
  type Step,
} from "./blok/index.js";
export { createRegistry, loadWorkflow, type RunObserver, type RunWorkflowOptions, runWorkflow, type Workflow, type WorkflowRun } from "./runner/index.js";
export { NodeRegistry } from "./runtimes/module/index.js";
export { openPythonRuntime, PythonNode, PythonRuntimeClient, startPythonRuntime } from "./runtimes/python/index.js";
export {
  BLOK_NODE_SERVICE_NAME,
  PythonMessageTooLargeError,
  PythonRuntimeCrashError,
  PythonRuntimeDownError,
  RELEASED_NODE_SERVICE_NAME,
  superviseBundledRuntime,
  type OpenedPythonRuntime,
  type OpenPythonRuntimeOptions,
  type PythonRuntimeAvailability,
  type PythonSupervisionOptions,
} from "./runtimes/python/index.js";
export { WorkerNode, WorkerPool } from "./runtimes/worker/index.js";
export { createTracing, RunTracer, startTracing, TelemetryPackageMissingError, type Tracing } from "./telemetry/index.js";
