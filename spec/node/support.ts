import { TestScheduler } from "rxjs/testing";
import { expect, vi } from "vitest";
import { type Context, createContext, GlobalError, NodeBlok, NodeBlokResponse, type NodeBase, Runner } from "../../src/blok/index.js";
import { createParallelExecutionNode, type ContainerDependencies } from "../../src/node/ParallelExecutionNode.js";
import type { ChildStep } from "../../src/ports/index.js";
import { NodeRegistry } from "../../src/runtimes/module/index.js";
import { silentLogger } from "../blok/support.js";

/**
 * A TestScheduler usable across awaits: no `run()` (children are promises), no 750-frame cap.
 * Flush it once the children have started; the executor's timers then fire in virtual time.
 */
export function virtualTime(): TestScheduler {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  return scheduler;
}

/** What a {@link Gate} child saw. */
export interface GateRecord {
  readonly name: string;
  readonly inputs: unknown;
  readonly signal: AbortSignal | undefined;
  aborted: boolean;
}

/**
 * A module child that waits until the test opens it (`open(name, value)` / `fail(name, error)`)
 * or until its `ctx.signal` aborts, recording both. Every run is recorded in `records`.
 */
export class Gates {
  readonly records: GateRecord[] = [];
  private readonly waiting = new Map<string, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

  /** A node that answers immediately with `answer(inputs)`. */
  static instant(answer: (inputs: unknown, ctx: Context) => unknown = (inputs) => inputs) {
    return class Instant extends NodeBlok<unknown> {
      async handle(ctx: Context, inputs: unknown) {
        const response = new NodeBlokResponse();
        response.setSuccess(await answer(inputs, ctx));
        return response;
      }
    };
  }

  /** The gate node class; its instances report to this object. */
  node(): new () => NodeBase {
    const gates = this;
    return class Gate extends NodeBlok<unknown> {
      async handle(ctx: Context, inputs: unknown) {
        const record: GateRecord = { name: this.name, inputs, signal: ctx.signal, aborted: false };
        gates.records.push(record);
        const value = await new Promise((resolve, reject) => {
          gates.waiting.set(this.name, { resolve, reject });
          ctx.signal?.addEventListener("abort", () => {
            record.aborted = true;
            reject(ctx.signal?.reason);
          });
        });
        const response = new NodeBlokResponse();
        response.setSuccess(value);
        return response;
      }
    };
  }

  /** Waits until `count` gates are waiting. */
  async started(count: number): Promise<void> {
    await vi.waitFor(() => expect(this.waiting.size).toBeGreaterThanOrEqual(count), { timeout: 5000, interval: 1 });
  }

  open(name: string, value: unknown): void {
    this.waiting.get(name)?.resolve(value);
  }

  fail(name: string, error: unknown): void {
    this.waiting.get(name)?.reject(error);
  }

  aborted(name: string): boolean {
    return this.records.some((record) => record.name === name && record.aborted);
  }
}

/** A container wired to a module registry, as a step named `step`. */
export function containerStep(nodes: Record<string, NodeBase | (new () => NodeBase)>, deps: Partial<ContainerDependencies> = {}, step = "fan") {
  const registry = new NodeRegistry();
  for (const [key, node] of Object.entries(nodes)) registry.addNode(key, node);
  const resolveChild = async (child: ChildStep): Promise<NodeBase> => {
    const node = registry.getNode(child.node);
    node.name = child.name;
    node.node = child.node;
    return node;
  };
  const Container = createParallelExecutionNode({ resolveChild, ...deps });
  const node = new Container();
  node.name = step;
  node.node = "parallel-execution";
  return node;
}

/** A context with a silent logger. */
export function context(config: Context["config"], body: unknown = {}, signal?: AbortSignal): Context {
  return createContext({ config, body, logger: silentLogger(), ...(signal ? { signal } : {}) });
}

/** Runs `step` on `ctx` and returns the thrown GlobalError (fails the test if it succeeds). */
export async function failureOf(run: Promise<unknown>): Promise<GlobalError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GlobalError);
  return error as GlobalError;
}

export { Runner };
