/**
 * `@blok-ts/parallel-execution`: a parallel execution container node for Blok workflows, on a
 * reactive RxJS executor. This entry holds the container, the Blok surface it runs on and the
 * environment that wires them; it loads no optional peer (gRPC, piscina, BullMQ, ioredis, tsx).
 * The other entry points:
 *
 * - `@blok-ts/parallel-execution/core`: the framework-free executor (`executeParallel`, `parallel`, its errors);
 * - `@blok-ts/parallel-execution/python`: the Python runtime client and launcher (needs @grpc/grpc-js, @grpc/proto-loader);
 * - `@blok-ts/parallel-execution/worker`: the worker-thread pool (needs piscina);
 * - `@blok-ts/parallel-execution/queue`: the BullMQ backend and its worker (needs bullmq, ioredis).
 *
 * `pythonPlugin` and `workerPlugin` are here: they import their runtime on first use.
 * @packageDocumentation
 */
export type {
  ChildErrorEntry,
  ChildEvent,
  ChildRecord,
  ChildStatus,
  ExecutionInfo,
  ExecutionOptions,
  ExecutionOptionsInput,
  FailureReason,
  FinishedEvent,
  ParallelEvent,
  ParallelResult,
  ProgressEvent,
  ProgressMode,
  RetryPolicy,
} from "./core/index.js";
export {
  type BlokHost,
  type ChildBackend,
  type ChildDescriptor,
  ChildResolutionError,
  CONTAINER_LIMITS,
  type ContainerConfig,
  type ContainerConfigInput,
  containerConfigSchema,
  type ContainerDependencies,
  type ContainerExecution,
  type ContainerOutput,
  createParallelExecutionNode,
  defaultHost,
  type HostClasses,
  type HostGlobalError,
  type MapBlock,
  NestingError,
  readContainerConfig,
} from "./node/index.js";
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
  type PythonRuntimePlugin,
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
export { MissingPeerError } from "./peers/index.js";
