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
} from "./Context.js";
export type { Condition } from "./Condition.js";
export type { Step } from "./Step.js";
export { GlobalError } from "./GlobalError.js";
export { toGlobalError } from "./toGlobalError.js";
export { type INodeBlokResponse, NodeBlokResponse } from "./NodeBlokResponse.js";
export { NodeBase } from "./NodeBase.js";
export { NodeBlok } from "./NodeBlok.js";
export { type Handler, isHandler } from "./Handler.js";
export { HandlerNode } from "./HandlerNode.js";
export { toNodeBlokResponse } from "./toNodeBlokResponse.js";
export { type NodeLike, toNodeBase } from "./toNodeBase.js";
export { cloneNode } from "./cloneNode.js";
export { InvalidNodeError } from "./InvalidNodeError.js";
export { InputValidationError } from "./InputValidationError.js";
export { MissingNodeConfigError } from "./MissingNodeConfigError.js";
export { type FirstPassRecord, mapFirstPass, mapString, mapValue, mapperData, runJs } from "./mapper.js";
export { MappingError } from "./MappingError.js";
export { ExpressionTimeoutError } from "./ExpressionTimeoutError.js";
export { DEFAULT_EXPRESSION_TIMEOUT_MS, EXPRESSION_TIMEOUT_ENV, expressionTimeoutOf, setExpressionTimeout } from "./expressionLimit.js";
export { type InputsCopy, mapInputs } from "./mapInputs.js";
export { type ChildHooks, reportTiming, setChildHooks, toPlain } from "./childHooks.js";
export { mapStepInputs } from "./mapStepInputs.js";
export { runWithInputs } from "./runWithInputs.js";
export { deepClone, deepCloneSlice } from "./deepClone.js";
export { DefaultLogger, type DefaultLoggerOptions } from "./DefaultLogger.js";
export { createContext, type CreateContextOptions } from "./createContext.js";
export { Runner, runSteps } from "./Runner.js";
