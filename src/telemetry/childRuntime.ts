/**
 * The runtime label of a container's child (`module`, `local`, `worker`, `python3`, `queue`), read
 * from the container step's node config as the workflow wrote it: the executor's events name a
 * child but not its runtime. `undefined` when the config does not say plainly (a template, a
 * child it does not list), and the span then goes without the attribute.
 *
 * @param config - `ctx.config[<container step>]`: the container's settings in `inputs` or at the top level.
 * @param child - the child's name (a map child's name without its `[index]`).
 */
export function childRuntime(config: unknown, child: string): string | undefined {
  if (!isObject(config)) return undefined;
  const settings = isObject(config.inputs) ? config.inputs : config;
  const execution = isObject(settings.execution) ? settings.execution : {};
  if (execution.backend === "queue") return "queue";
  const map = isObject(settings.map) ? settings.map : undefined;
  const descriptors = Array.isArray(settings.nodes) ? settings.nodes : map && isObject(map.node) ? [map.node] : [];
  const descriptor = descriptors.find((entry): entry is Record<string, unknown> => isObject(entry) && entry.name === child);
  if (!descriptor || typeof descriptor.type !== "string") return undefined;
  if (descriptor.type === "runtime.python3") return "python3";
  if (descriptor.type !== "local") return descriptor.type;
  return (descriptor.isolation ?? execution.isolation) === "worker" ? "worker" : "local";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
