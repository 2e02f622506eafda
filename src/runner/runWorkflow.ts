import {
  type Context,
  createContext,
  type NodeBase,
  type CreateContextOptions,
  type ResponseContext,
  Runner,
} from "../blok/index.js";
import { createRegistry } from "./createRegistry.js";
import { loadWorkflow } from "./loadWorkflow.js";
import type { ResolveOptions } from "../runtimes/resolveStep.js";
import { resolveWorkflow } from "./resolveWorkflow.js";
import { validateWorkflow } from "./validateWorkflow.js";
import type { Workflow } from "./Workflow.js";

/** Options of {@link runWorkflow}. */
export type RunWorkflowOptions = Partial<ResolveOptions> &
  /** The request (`body`, `headers`, `query`, `params`, `method`), `env`, `logger`, `id`, the cancelling `signal` and the `expressionTimeoutMs` limit (default 1,000 ms), as for `createContext`. */
  Pick<CreateContextOptions, "body" | "headers" | "query" | "params" | "method" | "env" | "logger" | "id" | "signal" | "expressionTimeoutMs"> & {
    /** Wraps the run and each top-level step (tracing spans); see {@link RunObserver}. */
    readonly observer?: RunObserver;
  };

/** Hooks around a run and its top-level steps: how tracing sees them without the runner knowing it. */
export interface RunObserver {
  /** Wraps the steps of one run (after loading and resolution); `ctx` is the run's context. */
  run<T>(ctx: Context, work: () => Promise<T>): Promise<T>;
  /** Wraps one top-level step's `process` (or a flow step's `processFlow`). */
  step<T>(step: NodeBase, ctx: Context, work: () => Promise<T>): Promise<T>;
}

/** The step, its `process`/`processFlow` wrapped by `observer` (the instance is this run's own). */
function observed(step: NodeBase, observer: RunObserver): NodeBase {
  const { process, processFlow } = step;
  step.process = (ctx) => observer.step(step, ctx, () => process.call(step, ctx));
  step.processFlow = (ctx) => observer.step(step, ctx, () => processFlow.call(step, ctx));
  return step;
}

/** The outcome of a successful run. */
export type WorkflowRun = {
  /** The context after the last step. */
  ctx: Context;
  /** `ctx.response`: `data` is what a Blok trigger would send back. */
  response: ResponseContext;
};

/**
 * Loads (when given a path), validates, resolves and runs a workflow, like one request through a
 * Blok trigger: a fresh context with `request.body = body`, the resolved node configs as
 * `ctx.config`, and the top-level steps run by {@link Runner}.
 *
 * @param workflowOrPath - a workflow document or the path of a `.json`/`.yaml`/`.yml` file.
 * @param options - request parts, node sources (`registry` defaults to `createRegistry()`,
 * `nodesDir` to `NODES_PATH`), environment, logger and cancellation.
 * @returns the final context and response.
 * @throws `WorkflowLoadError` / `InvalidWorkflowError` for a bad document; the resolution errors of
 * `resolveStep` (unknown type or node, local load failures) before anything runs; a `GlobalError`
 * (code and json kept) when a step fails.
 * @example
 * ```ts
 * const { response } = await runWorkflow("workflows/demo.json", { body: { n: 2 }, nodesDir: "nodes" });
 * console.log(response.data);
 * ```
 */
export async function runWorkflow(workflowOrPath: Workflow | string, options: RunWorkflowOptions = {}): Promise<WorkflowRun> {
  const fromFile = typeof workflowOrPath === "string";
  const workflow = fromFile ? await loadWorkflow(workflowOrPath) : validateWorkflow(workflowOrPath, "<inline workflow>");
  const { steps, nodes } = await resolveWorkflow(workflow, {
    registry: options.registry ?? createRegistry(),
    nodesDir: options.nodesDir,
    resolvers: options.resolvers,
  }, fromFile ? { source: `workflow ${workflowOrPath}`, owned: true } : {});
  const ctx = createContext({
    config: nodes,
    body: options.body,
    headers: options.headers,
    query: options.query,
    params: options.params,
    method: options.method,
    env: options.env,
    workflowName: workflow.name,
    workflowPath: fromFile ? workflowOrPath : undefined,
    id: options.id,
    logger: options.logger,
    signal: options.signal,
    expressionTimeoutMs: options.expressionTimeoutMs,
  });
  const { observer } = options;
  if (observer) await observer.run(ctx, () => new Runner(steps.map((step) => observed(step, observer))).run(ctx));
  else await new Runner(steps).run(ctx);
  return { ctx, response: ctx.response };
}
