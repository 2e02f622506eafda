import type { ChildStep } from "../ports/index.js";
import type { HostClasses } from "../node/host.js";
import { UnknownNodeTypeError } from "../runner/index.js";
import { findLocalNodeFile, importNodeModule, LocalNodeLoadError, LocalNodeNotFoundError } from "../runtimes/local/index.js";
import { NodeNotFoundError } from "../runtimes/module/index.js";

/**
 * Where a Blok app keeps its `module` nodes: the object its `Nodes.ts` exports (key -> one
 * instance), or the `NodeMap` its trigger builds from it.
 */
export type HostNodeSource = Readonly<Record<string, object>> | { getNode(name: string): object | undefined };

/** Options of {@link createHostChildResolver}. */
export interface HostChildResolverOptions {
  /** Directory of `local` nodes; `NODES_PATH` when omitted (read when a local child is resolved, as Blok does). */
  readonly nodesDir?: string;
}

/** Thrown when a child resolves to something that is not a node of the host app (not an instance of its `NodeBlok`). */
export class ForeignNodeError extends Error {
  constructor(
    readonly child: string,
    readonly node: string,
    baseName: string,
  ) {
    super(`Node ${node} (child '${child}') is not a ${baseName || "node"} of this app: the app's Runner cannot run it`);
    this.name = "ForeignNodeError";
  }
}

const HOST_TYPES = ["module", "local"] as const;

function lookUp(source: HostNodeSource, key: string): object | undefined {
  // A NodeMap has getNode on its prototype; a Nodes.ts object holds the nodes as own keys.
  if ("getNode" in source && typeof source.getNode === "function" && !Object.hasOwn(source, "getNode")) return source.getNode(key);
  return Object.hasOwn(source, key) ? (source as Readonly<Record<string, object>>)[key] : undefined;
}

async function instantiateLocal(step: ChildStep, nodesDir: string | undefined): Promise<unknown> {
  const directory = nodesDir ?? process.env.NODES_PATH;
  if (!directory) throw new LocalNodeNotFoundError(step.node, undefined);
  const file = await findLocalNodeFile(step.node, directory);
  try {
    const namespace = await importNodeModule(file);
    // Blok's rule: the default export is the node class. Compiled TypeScript (CommonJS) nests it once more.
    const exported = namespace.default as { __esModule?: boolean; default?: unknown } | undefined;
    const NodeClass = exported?.__esModule === true ? exported.default : exported;
    if (typeof NodeClass !== "function") throw new Error("its default export is not a node class");
    return new (NodeClass as new () => unknown)();
  } catch (error) {
    throw new LocalNodeLoadError(step.node, file, error);
  }
}

/**
 * Resolves container children in a Blok app the way the app's own `Configuration` resolves steps
 * (Blok's released line): `module` -> a per-use copy of the instance registered under `node`
 * (same prototype, own properties copied; the shared instance is never touched), `local` -> a new
 * instance of the default-exported class of `<nodesDir or NODES_PATH>/<node>`; then `node`,
 * `name`, `active: true` and `stop: false` are set on it. Every child must be an instance of the
 * app's `NodeBlok` (`NanoService`), so the app's `Runner` runs it with stock semantics and its
 * errors keep their codes.
 *
 * Only what the stock `Configuration` knows is supported: `module` and `local`, inline. Worker
 * isolation and `runtime.python3` children need this package's runtimes, which run on this
 * package's classes (see `createEnvironment`).
 *
 * @param nodes - the app's nodes: its `Nodes.ts` object or its `NodeMap`.
 * @param host - the app's classes (only `NodeBlok` is read here).
 * @param options - where `local` nodes live.
 * @returns `resolveChild` for `createParallelExecutionNode(deps, host)`.
 * @throws (from the resolver) `NodeNotFoundError` ("Node <node> not found"), `UnknownNodeTypeError`,
 * `LocalNodeNotFoundError`, `LocalNodeLoadError`, {@link ForeignNodeError}; an `Error` for worker isolation.
 * @example
 * ```ts
 * import { createHostChildResolver } from "@blok-ts/parallel-execution";
 * import { NanoService } from "@nanoservice-ts/runner";
 * import type { NodeBase } from "@nanoservice-ts/shared";
 *
 * const nodes: { [key: string]: NodeBase } = {};
 * const resolveChild = createHostChildResolver(nodes, { NodeBlok: NanoService }, { nodesDir: "src/nodes" });
 * ```
 */
export function createHostChildResolver<Node extends object>(
  nodes: HostNodeSource,
  host: Pick<HostClasses<Node>, "NodeBlok">,
  options: HostChildResolverOptions = {},
): (step: ChildStep) => Promise<Node> {
  return async (step) => {
    if (step.isolation === "worker") throw new Error(`Child '${step.name}' asks for worker isolation, which a Blok app's own classes cannot provide (this package's runner can)`);
    let candidate: unknown;
    if (step.type === "module") {
      const registered = lookUp(nodes, step.node);
      if (!registered) throw new NodeNotFoundError(step.node);
      candidate = Object.assign(Object.create(Object.getPrototypeOf(registered)) as object, registered);
    } else if (step.type === "local") {
      candidate = await instantiateLocal(step, options.nodesDir);
    } else {
      throw new UnknownNodeTypeError(step.type, HOST_TYPES);
    }
    if (!(candidate instanceof host.NodeBlok)) throw new ForeignNodeError(step.name, step.node, host.NodeBlok.name);
    // What the released Configuration copies onto every resolved step (it has no set_var).
    return Object.assign(candidate, { node: step.node, name: step.name, active: true, stop: false });
  };
}
