import { type Context, deepClone, deepCloneSlice, mapStepInputs } from "../blok/index.js";
import { type Attempt, type Child, fromAbortable } from "../core/index.js";
import type { ChildDescriptor, ContainerConfig } from "./containerSchema.js";
import { ChildResolutionError } from "./errors.js";
import type { BlokHost } from "./host.js";
import { CowSpace } from "./isolation/copyOnWrite.js";
import { type ChildContextOptions, isolateContext } from "./isolation/isolateContext.js";
import { type ChildResolver, type ChildStep, type RemoteExecutor, setChildHooks } from "../ports/index.js";
import { remoteContext } from "./remoteContext.js";

/** Where the children of one run execute. */
export type ChildBackend =
  | { readonly kind: "local"; readonly resolve: ChildResolver; readonly host: BlokHost }
  | { readonly kind: "remote"; readonly execute: RemoteExecutor };

/** The children of one container run, read lazily, and how many there are. */
export interface PlannedChildren {
  readonly children: Iterable<Child<unknown>>;
  readonly total: number;
}

function toStep(descriptor: ChildDescriptor, config: ContainerConfig): ChildStep {
  return { name: descriptor.name, node: descriptor.node, type: descriptor.type, isolation: descriptor.isolation ?? config.execution.isolation };
}

function runtimeOf(step: ChildStep, backend: ChildBackend): string {
  if (backend.kind === "remote") return "queue";
  if (step.type === "runtime.python3") return "python3";
  if (step.type === "local") return step.isolation === "worker" ? "worker" : "local";
  return step.type;
}

/** One attempt of one child, on its own copy-on-write context whose `signal` aborts when the attempt is stopped. */
async function runAttempt(container: string, step: ChildStep, parent: Context, context: ChildContextOptions, attempt: Attempt, backend: ChildBackend): Promise<unknown> {
  const space = new CowSpace();
  const ctx = isolateContext(parent, space, context);
  if (backend.kind === "remote") {
    // The worker has none of this process's context: inputs are resolved here, as Blok would.
    const inputs = space.materialize(mapStepInputs(ctx, step.name));
    const { data, timing } = await backend.execute({ container, step, attempt: attempt.number, index: attempt.index, hooks: attempt, inputs, ctx: remoteContext(ctx, space) }, context.signal);
    if (timing) attempt.reportTiming(timing);
    return data;
  }
  const started = performance.now();
  const node = await backend.resolve(step);
  const resolved = performance.now();
  setChildHooks(ctx, { reportTiming: attempt.reportTiming, toPlain: (value) => space.materialize(value) });
  // The host's Runner gives exact Blok step semantics: mapping, validation, set_var, nested flows.
  const after = await new backend.host.Runner([node]).run(ctx);
  attempt.reportTiming({ resolve_ms: resolved - started, run_ms: performance.now() - resolved });
  return space.materialize(node.set_var ? after.vars?.[node.name] : after.response.data);
}

function containerChild(container: string, displayName: string, step: ChildStep, parent: Context, context: Omit<ChildContextOptions, "signal">, backend: ChildBackend): Child<unknown> {
  return {
    name: displayName,
    runtime: runtimeOf(step, backend),
    run: (attempt) => fromAbortable((signal) => runAttempt(container, step, parent, { ...context, signal }, attempt, backend), { onLate: attempt.late }),
  };
}

/**
 * Plans a container run: with the local backend, resolves every distinct child node once up
 * front (so an unknown node or type fails before anything starts; a queue's workers resolve
 * their own), then returns the children as a lazy iterable. In map mode the batches are sliced
 * only when the window pulls them, so a million items never become a million contexts at once.
 *
 * @throws {ChildResolutionError} when a child cannot be resolved.
 */
export async function planChildren(container: string, config: ContainerConfig, parent: Context, backend: ChildBackend): Promise<PlannedChildren> {
  const descriptors = config.nodes ?? [config.map!.node];
  if (backend.kind === "local") {
    await Promise.all(
      descriptors.map((descriptor) =>
        backend.resolve(toStep(descriptor, config)).catch((cause: unknown) => {
          throw new ChildResolutionError(descriptor.name, container, { cause });
        }),
      ),
    );
  }

  if (config.nodes) {
    const children = config.nodes.map((descriptor) => containerChild(container, descriptor.name, toStep(descriptor, config), parent, { stepName: descriptor.name }, backend));
    return { children, total: children.length };
  }

  const { items, batch_size: batchSize, node } = config.map!;
  const step = toStep(node, config);
  const total = batchSize === undefined ? items.length : Math.ceil(items.length / batchSize);
  function* batches(): Generator<Child<unknown>> {
    for (let index = 0; index < total; index++) {
      // A getter: the batch is copied when an attempt starts, not when the window (or a fail-fast
      // stop recording never-started children) reads the child. A plain copy, not a view: children
      // read every item of their batch, and a view per item cost more than copying the batch.
      const context = {
        stepName: node.name,
        index,
        get item() {
          return batchSize === undefined ? deepClone(items[index]) : deepCloneSlice(items, index * batchSize, (index + 1) * batchSize);
        },
      };
      yield containerChild(container, `${node.name}[${index}]`, step, parent, context, backend);
    }
  }
  return { children: batches(), total };
}
