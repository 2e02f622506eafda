import type { Context, NodeBase, Step } from "../blok/index.js";
import { setTimingSink } from "../blok/childTiming.js";
import { type Child, fromAbortable } from "../core/index.js";
import type { ChildDescriptor, ContainerConfig } from "./containerSchema.js";
import type { BlokHost } from "./host.js";
import { CowSpace } from "./isolation/copyOnWrite.js";
import { type ChildContextOptions, isolateContext } from "./isolation/isolateContext.js";

/** A child descriptor with its isolation settled: what a resolver turns into a runnable node. */
export type ChildStep = Step & { readonly isolation: "inline" | "worker" };

/** Turns a child step into a fresh runnable node instance (module, local, Python, worker...). */
export type ChildResolver = (step: ChildStep) => Promise<NodeBase>;

/** The children of one container run, read lazily, and how many there are. */
export interface PlannedChildren {
  readonly children: Iterable<Child<unknown>>;
  readonly total: number;
}

/** Thrown when a child cannot be resolved before the run starts. */
export class ChildResolutionError extends Error {
  override readonly name = "ChildResolutionError";
  constructor(
    readonly child: string,
    readonly container: string,
    options: { cause: unknown },
  ) {
    super(`Child '${child}' of parallel-execution step '${container}' cannot be resolved: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
  }
}

function toStep(descriptor: ChildDescriptor, config: ContainerConfig): ChildStep {
  return { name: descriptor.name, node: descriptor.node, type: descriptor.type, isolation: descriptor.isolation ?? config.execution.isolation };
}

function runtimeOf(step: ChildStep): string {
  if (step.type === "runtime.python3") return "python3";
  if (step.type === "local") return step.isolation === "worker" ? "worker" : "local";
  return step.type;
}

/**
 * One child as a core {@link Child}: every attempt resolves a fresh node, runs it through the
 * host's Runner (exact Blok step semantics: mapping, validation, `set_var`, nested flows) on an
 * isolated copy-on-write context whose `signal` aborts when the attempt is stopped, and returns
 * the child's output as plain data.
 */
function containerChild(
  displayName: string,
  step: ChildStep,
  parent: Context,
  context: Omit<ChildContextOptions, "signal">,
  resolve: ChildResolver,
  host: BlokHost,
): Child<unknown> {
  return {
    name: displayName,
    runtime: runtimeOf(step),
    run: (attempt) =>
      fromAbortable(
        async (signal) => {
          const started = performance.now();
          const node = await resolve(step);
          const resolved = performance.now();
          const space = new CowSpace();
          const ctx = isolateContext(parent, space, { ...context, signal });
          setTimingSink(ctx, attempt.reportTiming);
          const after = await new host.Runner([node]).run(ctx);
          attempt.reportTiming({ resolve_ms: resolved - started, run_ms: performance.now() - resolved });
          return space.materialize(node.set_var ? after.vars?.[node.name] : after.response.data);
        },
        { onLate: attempt.late },
      ),
  };
}

/**
 * Plans a container run: resolves every distinct child node once up front (so an unknown node or
 * type fails before anything starts), then returns the children as a lazy iterable. In map mode
 * the batches are sliced only when the window pulls them, so a million items never become a
 * million contexts at once.
 *
 * @throws {ChildResolutionError} when a child cannot be resolved.
 */
export async function planChildren(stepName: string, config: ContainerConfig, parent: Context, resolve: ChildResolver, host: BlokHost): Promise<PlannedChildren> {
  const descriptors = config.nodes ?? [config.map!.node];
  await Promise.all(
    descriptors.map((descriptor) =>
      resolve(toStep(descriptor, config)).catch((cause: unknown) => {
        throw new ChildResolutionError(descriptor.name, stepName, { cause });
      }),
    ),
  );

  if (config.nodes) {
    const children = config.nodes.map((descriptor) => containerChild(descriptor.name, toStep(descriptor, config), parent, { stepName: descriptor.name }, resolve, host));
    return { children, total: children.length };
  }

  const { items, batch_size: batchSize, node } = config.map!;
  const step = toStep(node, config);
  const total = batchSize === undefined ? items.length : Math.ceil(items.length / batchSize);
  function* batches(): Generator<Child<unknown>> {
    for (let index = 0; index < total; index++) {
      const item = batchSize === undefined ? items[index] : items.slice(index * batchSize, (index + 1) * batchSize);
      yield containerChild(`${node.name}[${index}]`, step, parent, { stepName: node.name, item, index }, resolve, host);
    }
  }
  return { children: batches(), total };
}
