// No imports: the CLI validates its flags with this file without loading gRPC.

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
