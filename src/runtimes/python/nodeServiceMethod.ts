import type * as ProtoLoader from "@grpc/proto-loader";
import type { MethodDefinition } from "@grpc/proto-loader";
import { requirePeer } from "../../peers/index.js";
import { locatePythonRuntimeAssets } from "./packageAssets.js";
import { BLOK_NODE_SERVICE_NAME, RELEASED_NODE_SERVICE_NAME } from "./serviceNames.js";

// An optional peer, loaded when this module is: only the Python runtime imports it.
const { loadSync } = requirePeer<typeof ProtoLoader>("@grpc/proto-loader");

/** `NodeRequest` as sent on the wire (field names as in the proto). */
export interface NodeRequestMessage {
  readonly Name: string;
  readonly Message: string;
  readonly Encoding: string;
  readonly Type: string;
}

/** `NodeResponse` as received (missing fields decode as `""`). */
export interface NodeResponseMessage {
  readonly Message: string;
  readonly Encoding: string;
  readonly Type: string;
}

export { BLOK_NODE_SERVICE_NAME, checkNodeServiceName, NODE_SERVICE_NAMES, RELEASED_NODE_SERVICE_NAME } from "./serviceNames.js";

let codecs: MethodDefinition<NodeRequestMessage, NodeResponseMessage> | undefined;
const methods = new Map<string, MethodDefinition<NodeRequestMessage, NodeResponseMessage>>();

/**
 * The `ExecuteNode` method of `service` (path and codecs). The codecs come from
 * `python/proto/node.proto`, the file the Python server is built against, loaded once per
 * process; the path is `/<service>/ExecuteNode`, since both services carry identical messages.
 *
 * @param service - full service name; default the released {@link RELEASED_NODE_SERVICE_NAME}.
 * @returns the method definition to pass to `Client.makeUnaryRequest`.
 */
export function executeNodeMethod(service: string = RELEASED_NODE_SERVICE_NAME): MethodDefinition<NodeRequestMessage, NodeResponseMessage> {
  const known = methods.get(service);
  if (known) return known;
  codecs ??= loadCodecs();
  const method = { ...codecs, path: `/${service}/ExecuteNode`, originalName: "ExecuteNode" };
  methods.set(service, method);
  return method;
}

function loadCodecs(): MethodDefinition<NodeRequestMessage, NodeResponseMessage> {
  // keepCase: the proto's fields are capitalised (Name, Message...) and must stay so;
  // defaults: absent proto3 strings read as "" rather than undefined.
  const definition = loadSync(locatePythonRuntimeAssets().protoPath, { keepCase: true, defaults: true });
  const service = definition[BLOK_NODE_SERVICE_NAME] as Record<string, MethodDefinition<object, object>> | undefined;
  const method = service?.ExecuteNode;
  if (!method) throw new Error(`node.proto does not declare ${BLOK_NODE_SERVICE_NAME}/ExecuteNode`);
  return method as MethodDefinition<NodeRequestMessage, NodeResponseMessage>;
}
