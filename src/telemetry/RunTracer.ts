import { type Attributes, type Context, type Span, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { Context as BlokContext, NodeBase } from "../blok/index.js";
import type { ParallelEvent } from "../core/index.js";
import type { RunObserver } from "../runner/index.js";
import { ATTR } from "./attributes.js";
import { ChildSpans } from "./ChildSpans.js";
import { childRuntime } from "./childRuntime.js";
import type { EnterableContextManager } from "./EnterableContextManager.js";

/** Marks a span failed with the error's message. */
export function recordFailure(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : { message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * The spans of one workflow run: pass it as the run's `observer` (a span for the run, one per
 * top-level step) and its {@link onEvent} as the container's event listener (one span per child
 * attempt, under its container step's span). One instance per run.
 */
export class RunTracer implements RunObserver {
  private config: Readonly<Record<string, unknown>> = {};
  private readonly children: ChildSpans;

  /** @param parent - the context the run's span continues (a caller's trace), else the active one. */
  constructor(
    private readonly tracer: Tracer,
    private readonly manager: EnterableContextManager,
    private readonly parent?: Context,
  ) {
    this.children = new ChildSpans(tracer, manager, (container, child) => childRuntime(this.config[container], child));
  }

  /** The container's event listener: child attempt spans. */
  readonly onEvent = (step: string, event: ParallelEvent<unknown>): void => this.children.onEvent(step, event);

  /** The run's span (`workflow <name>`, with the run id), active while its steps run. */
  run<T>(ctx: BlokContext, work: () => Promise<T>): Promise<T> {
    this.config = ctx.config;
    const name = ctx.workflow_name ?? "unnamed";
    return this.inSpan(`workflow ${name}`, { [ATTR.workflow]: name, [ATTR.runId]: ctx.id }, work, this.parent);
  }

  /** A top-level step's span (`step <name>`, with its node), active while it runs. */
  step<T>(step: NodeBase, _ctx: BlokContext, work: () => Promise<T>): Promise<T> {
    return this.inSpan(`step ${step.name}`, { [ATTR.step]: step.name, [ATTR.node]: step.node }, work);
  }

  private async inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, parent = this.manager.active()): Promise<T> {
    const span = this.tracer.startSpan(name, { attributes }, parent);
    try {
      return await this.manager.with(trace.setSpan(parent, span), work);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  }
}
