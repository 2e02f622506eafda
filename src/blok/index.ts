export type {
  ConfigContext,
  Context,
  EnvContext,
  ErrorContext,
  FunctionContext,
  LoggerContext,
  NodeConfig,
  ParamsDictionary,
  RequestContext,
  ResponseContext,
  VarsContext,
} from "./contracts/Context.js";
export type { Condition } from "./contracts/Condition.js";
export type { Step } from "./contracts/Step.js";
export { GlobalError } from "./contracts/GlobalError.js";
export { toGlobalError } from "./contracts/toGlobalError.js";
export { type INodeBlokResponse, NodeBlokResponse } from "./contracts/NodeBlokResponse.js";
export { NodeBase } from "./contracts/NodeBase.js";
export { NodeBlok } from "./contracts/NodeBlok.js";
export { type Handler, isHandler } from "./adapters/Handler.js";
export { HandlerNode } from "./adapters/HandlerNode.js";
export { toNodeBlokResponse } from "./adapters/toNodeBlokResponse.js";
export { type NodeLike, toNodeBase } from "./adapters/toNodeBase.js";
export { cloneNode } from "./adapters/cloneNode.js";
export { importNodeModule } from "./adapters/importNodeModule.js";
export { type ModuleNamespace, nodeExport } from "./adapters/nodeExport.js";
export { loadNodeModule } from "./adapters/loadNodeModule.js";
export { invokeNode, type NodeOutcome } from "./adapters/invokeNode.js";
export { InvalidNodeError } from "./adapters/errors.js";
export { InputValidationError } from "./contracts/errors.js";
export { MissingNodeConfigError } from "./contracts/errors.js";
export { type FirstPassRecord, mapFirstPass, mapString, mapValue, mapperData, runJs } from "./mapping/mapper.js";
export { MappingError } from "./mapping/errors.js";
export { ExpressionTimeoutError } from "./mapping/errors.js";
export { DEFAULT_EXPRESSION_TIMEOUT_MS, EXPRESSION_TIMEOUT_ENV, expressionTimeoutOf, setExpressionTimeout } from "./mapping/expressionLimit.js";
export { type InputsCopy, mapInputs } from "./mapping/mapInputs.js";
export { mapStepInputs } from "./mapping/mapStepInputs.js";
export { runWithInputs } from "./engine/runWithInputs.js";
export { deepClone, deepCloneSlice } from "./mapping/deepClone.js";
export { DefaultLogger, type DefaultLoggerOptions } from "./engine/DefaultLogger.js";
export { createContext, type CreateContextOptions } from "./engine/createContext.js";
export { Runner, runSteps } from "./engine/Runner.js";
