/**
 * The public API's types, pinned: a change to a signature or a result shape users compile
 * against fails here (vitest typecheck; see vitest.config.ts).
 */
import { describe, expectTypeOf, it } from "vitest";
import type * as Core from "../../src/core/index.js";
import type * as Root from "../../src/index.js";
import {
  type BlokEnvironment,
  type ContainerOutput,
  createEnvironment,
  createParallelExecutionNode,
  type ExecutionInfo,
  MissingPeerError,
  NodeBase,
  NodeBlok,
  pythonPlugin,
  type RuntimePlugin,
  type WorkflowRun,
  workerPlugin,
} from "../../src/index.js";
import { executeParallel, type ParallelExecution } from "../../src/core/index.js";

describe("the root entry", () => {
  it("createEnvironment takes plugins and returns an environment whose run resolves to a WorkflowRun", () => {
    expectTypeOf(createEnvironment).parameter(0).toEqualTypeOf<Root.EnvironmentOptions | undefined>();
    expectTypeOf(createEnvironment).returns.toEqualTypeOf<BlokEnvironment>();
    expectTypeOf<BlokEnvironment["run"]>().returns.toEqualTypeOf<Promise<WorkflowRun>>();
    expectTypeOf<BlokEnvironment["close"]>().returns.toEqualTypeOf<Promise<void>>();
  });

  it("the plugins are RuntimePlugins, the Python one says whether its runtime is available", () => {
    expectTypeOf(workerPlugin).returns.toEqualTypeOf<RuntimePlugin>();
    expectTypeOf(pythonPlugin).returns.toExtend<RuntimePlugin>();
    expectTypeOf(pythonPlugin).returns.toHaveProperty("pythonAvailable").toEqualTypeOf<() => boolean>();
  });

  it("createParallelExecutionNode needs resolveChild and builds NodeBase instances", () => {
    const Container = createParallelExecutionNode({ resolveChild: async (): Promise<NodeBase> => new Container() });
    expectTypeOf(Container).toEqualTypeOf<new () => NodeBlok<unknown>>();
    expectTypeOf(new Container()).toExtend<NodeBase>();
    // @ts-expect-error resolveChild is required
    createParallelExecutionNode({});
  });

  it("the container outputs ordered results, optional errors and execution_info", () => {
    expectTypeOf<ContainerOutput["results"]>().toEqualTypeOf<unknown[]>();
    expectTypeOf<ContainerOutput["errors"]>().toEqualTypeOf<Core.ChildErrorEntry[] | undefined>();
    expectTypeOf<ContainerOutput["execution_info"]>().toEqualTypeOf<ExecutionInfo>();
    expectTypeOf<ExecutionInfo>().toHaveProperty("concurrent_peak").toEqualTypeOf<number>();
    expectTypeOf<ExecutionInfo>().toHaveProperty("late_settlements").toEqualTypeOf<number>();
  });

  it("MissingPeerError carries the peer, the feature and the install command", () => {
    expectTypeOf<MissingPeerError>().toExtend<Error>();
    expectTypeOf<MissingPeerError>()
      .pick<"peer" | "feature" | "missing" | "install">()
      .toEqualTypeOf<{ readonly peer: string; readonly feature: string; readonly missing: readonly string[]; readonly install: string }>();
  });

  it("keeps the runtimes on their subpaths", () => {
    expectTypeOf<typeof Root>().not.toHaveProperty("WorkerPool");
    expectTypeOf<typeof Root>().not.toHaveProperty("PythonRuntimeClient");
    expectTypeOf<typeof Root>().not.toHaveProperty("createQueueConnector");
    expectTypeOf<typeof Root>().not.toHaveProperty("executeParallel");
  });
});

describe("the core entry", () => {
  it("executeParallel takes children, options and run options, and returns a ParallelExecution", () => {
    expectTypeOf(executeParallel<number>).parameter(1).toEqualTypeOf<Core.ExecutionOptionsInput | undefined>();
    expectTypeOf(executeParallel<number>).returns.toEqualTypeOf<ParallelExecution<number>>();
    expectTypeOf<ParallelExecution<number>["result"]>().toEqualTypeOf<Promise<Core.ParallelResult<number>>>();
  });
});
