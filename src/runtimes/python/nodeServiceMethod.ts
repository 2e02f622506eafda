import { loadSync, type MethodDefinition } from "@grpc/proto-loader";
import { locatePythonRuntimeAssets } from "./packageAssets.js";

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

/**
 * Service name of Blok's RELEASED Python runtime (its main branch, npm `@nanoservice-ts/runner`):
 * what a stock Blok Python server registers, hence what a client tries first.
 */
export const RELEASED_NODE_SERVICE_NAME = "nanoservice.workflow.v1.NodeService";

/** Service name of Blok's unreleased `blok.workflow.v1` line. The messages are the same. */
export const BLOK_NODE_SERVICE_NAME = "blok.workflow.v1.NodeService";

/** The two names the bundled runtime serves and the client falls back between. */
export const NODE_SERVICE_NAMES = [RELEASED_NODE_SERVICE_NAME, BLOK_NODE_SERVICE_NAME] as const;

const SERVICE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * Checks a full gRPC service name given by a setting (`RUNTIME_PYTHON3_SERVICE`,
 * `--python-service`).
 *
 * @param value - the raw setting.
 * @param setting - the setting's name, for the error.
 * @returns the trimmed name.
 * @throws RangeError naming the setting when the value is not `package.Service`.
 */
export function checkNodeServiceName(value: string, setting: string): string {
  const name = value.trim();
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new RangeError(
      `'${setting}' must be a full gRPC service name such as ${RELEASED_NODE_SERVICE_NAME} or ${BLOK_NODE_SERVICE_NAME}: received ${JSON.stringify(value)}`,
    );
  }
  return name;
}

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
