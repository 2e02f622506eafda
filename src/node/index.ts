export { buildConfigJson, CONFIG_EXAMPLE } from "./configJson.js";
export {
  type ChildDescriptor,
  CONTAINER_LIMITS,
  type ContainerConfig,
  type ContainerConfigInput,
  containerConfigSchema,
  type ContainerExecution,
  type MapBlock,
} from "./containerSchema.js";
export { type BlokHost, defaultHost, type HostClasses, type HostGlobalError } from "./host.js";
export { CowSpace } from "./isolation/copyOnWrite.js";
export { type ContainerDependencies, type ContainerOutput, createParallelExecutionNode } from "./ParallelExecutionNode.js";
export { ChildResolutionError, NestingError } from "./errors.js";
export type { ChildBackend } from "./planChildren.js";
export { readContainerConfig } from "./readContainerConfig.js";
