import { loadSync, type MethodDefinition } from "@grpc/proto-loader";
import { locatePythonRuntimeAssets } from "./packageAssets.js";

/** `blok.workflow.v1.NodeRequest` as sent on the wire (field names as in the proto). */
export interface NodeRequestMessage {
  readonly Name: string;
  readonly Message: string;
  readonly Encoding: string;
  readonly Type: string;
}

/** `blok.workflow.v1.NodeResponse` as received (missing fields decode as `""`). */
export interface NodeResponseMessage {
  readonly Message: string;
  readonly Encoding: string;
  readonly Type: string;
}

/** Fully qualified gRPC service name of Blok's Python runtime. */
export const NODE_SERVICE_NAME = "blok.workflow.v1.NodeService";

let cached: MethodDefinition<NodeRequestMessage, NodeResponseMessage> | undefined;

/**
 * The `ExecuteNode` method (path and codecs) loaded from `python/proto/node.proto`, the file the
 * Python server is built against. Loaded once per process.
 *
 * @returns the method definition to pass to `Client.makeUnaryRequest`.
 */
export function executeNodeMethod(): MethodDefinition<NodeRequestMessage, NodeResponseMessage> {
  if (cached) return cached;
  // keepCase: the proto's fields are capitalised (Name, Message...) and must stay so;
  // defaults: absent proto3 strings read as "" rather than undefined.
  const definition = loadSync(locatePythonRuntimeAssets().protoPath, { keepCase: true, defaults: true });
  const service = definition[NODE_SERVICE_NAME] as Record<string, MethodDefinition<object, object>> | undefined;
  const method = service?.ExecuteNode;
  if (!method) throw new Error(`node.proto does not declare ${NODE_SERVICE_NAME}/ExecuteNode`);
  cached = method as MethodDefinition<NodeRequestMessage, NodeResponseMessage>;
  return cached;
}
