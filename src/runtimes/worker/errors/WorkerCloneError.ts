import type { WorkerTaskTiming } from "../protocol.js";
import type { UncloneableValue } from "../thread/locate-uncloneable.cjs";
import { WorkerRuntimeError } from "./WorkerRuntimeError.js";

/** `input`: the context or inputs sent to the thread; `result`: what the node returned. */
export type CloneDirection = "input" | "result";

/**
 * A value could not cross the thread boundary. Context and inputs travel by structured clone,
 * results by the same V8 serializer: plain data only. The message names the offending path and,
 * when it sits inside a class instance (a socket, a logger), that instance too.
 */
export class WorkerCloneError extends WorkerRuntimeError {
  override readonly name = "WorkerCloneError";

  /**
   * @param nodeName the child's name in the workflow
   * @param direction which way the value was going
   * @param culprit where it failed, as found by `locateUncloneable`
   * @param cause the serializer's own error (inputs: the `DataCloneError` from `postMessage`)
   * @param timing for a result: how long the node ran before its result failed to cross
   */
  constructor(
    nodeName: string,
    readonly direction: CloneDirection,
    readonly culprit: UncloneableValue,
    cause?: unknown,
    readonly timing?: WorkerTaskTiming,
  ) {
    const inside = culprit.owner === undefined ? "" : ` (inside ${culprit.owner.what} at ${culprit.owner.path})`;
    super(
      nodeName,
      `${LEAD[direction](nodeName)}: ${culprit.path} is ${culprit.what}${inside}; only structured-cloneable data can cross a thread boundary (no functions, symbols, promises, sockets or other live handles; class instances arrive as plain objects)`,
      cause === undefined ? undefined : { cause },
    );
  }
}

const LEAD: Record<CloneDirection, (nodeName: string) => string> = {
  input: (nodeName) => `Cannot send the context and inputs of node "${nodeName}" to a worker thread`,
  result: (nodeName) => `Cannot return the result of node "${nodeName}" from its worker thread`,
};
