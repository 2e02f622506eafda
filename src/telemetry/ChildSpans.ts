import { type Context, createContextKey, type Span, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { ChildEvent, ParallelEvent } from "../core/index.js";
import { ATTR } from "./attributes.js";
import type { EnterableContextManager } from "./EnterableContextManager.js";

/** One execution of a container step: the context its attempts hang under, and their open spans by child index. */
interface Execution {
  readonly step: string;
  readonly parent: Context;
  readonly open: Map<number, Span>;
}

// Carried in every attempt's context: a sibling started from inside it (the executor starts the
// next child when one ends, in the ended child's continuation) belongs to the same execution.
const EXECUTION = createContextKey("blok-parallel container execution");

/** The outcome of an attempt, for the event that ends it. */
const ENDING: Partial<Record<ChildEvent["type"], string>> = {
  succeeded: "succeeded",
  failed: "failed",
  timed_out: "timed_out",
  cancelled: "cancelled",
  retrying: "retrying",
};

/**
 * Turns the executor's event stream into one span per child attempt: opened on `started`, ended
 * on the event that settles the attempt (`succeeded`, `failed`, `timed_out`, `cancelled`, or
 * `retrying` when another attempt follows). The attempt's span becomes the active context of the
 * attempt's work (see {@link EnterableContextManager.enter}), so calls it makes carry it on.
 *
 * An attempt's parent is the context active when the first child of its container execution
 * started (the container step's span), kept for the siblings that start later from inside
 * another attempt; a container nested in a child hangs under that child's attempt.
 */
export class ChildSpans {
  private readonly executions = new Set<Execution>();

  /**
   * @param runtimeOf - the runtime label of a container's child (see `childRuntime`), when known.
   */
  constructor(
    private readonly tracer: Tracer,
    private readonly manager: EnterableContextManager,
    private readonly runtimeOf: (container: string, child: string) => string | undefined,
  ) {}

  /** Hears one event of a container step (the container's `onEvent`). */
  onEvent(step: string, event: ParallelEvent<unknown>): void {
    if (event.type === "started") this.start(step, event);
    else if (event.type === "finished") this.finish(step);
    else if (event.type !== "progress" && ENDING[event.type]) this.end(step, event);
  }

  private start(step: string, event: ChildEvent): void {
    const active = this.manager.active();
    const marked = active.getValue(EXECUTION) as Execution | undefined;
    let execution = marked?.step === step ? marked : undefined;
    execution ??= { step, parent: active, open: new Map() };
    // Again after a retry's backoff: `finish` of another execution of this step may have let it go meanwhile.
    this.executions.add(execution);
    const child = event.name.replace(/\[\d+\]$/, "");
    const runtime = this.runtimeOf(step, child);
    const span = this.tracer.startSpan(
      `child ${child}`,
      {
        attributes: {
          [ATTR.container]: step,
          [ATTR.child]: event.name,
          [ATTR.index]: event.index,
          [ATTR.attempt]: event.attempt,
          ...(runtime === undefined ? {} : { [ATTR.runtime]: runtime }),
        },
      },
      execution.parent,
    );
    execution.open.set(event.index, span);
    this.manager.enter(trace.setSpan(execution.parent, span).setValue(EXECUTION, execution));
  }

  private end(step: string, event: ChildEvent): void {
    const execution = this.executionOf(step, event.index);
    const span = execution?.open.get(event.index);
    // A child cancelled before it ever started had no attempt, so no span.
    if (!execution || !span) return;
    execution.open.delete(event.index);
    span.setAttribute(ATTR.outcome, ENDING[event.type]!);
    if (event.delay_ms !== undefined) span.setAttribute(ATTR.retryDelay, event.delay_ms);
    if (event.type !== "succeeded") {
      const message = event.error ?? event.type;
      span.recordException({ name: event.type, message });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
    span.end();
  }

  /** The execution an event belongs to: the one of the active attempt, else the one with this child open. */
  private executionOf(step: string, index: number): Execution | undefined {
    const marked = this.manager.active().getValue(EXECUTION) as Execution | undefined;
    if (marked?.step === step && marked.open.has(index)) return marked;
    for (const execution of this.executions) if (execution.step === step && execution.open.has(index)) return execution;
    return undefined;
  }

  /** A container execution ended: every attempt has settled, so its record goes (the ones of its step with nothing open). */
  private finish(step: string): void {
    for (const execution of this.executions) if (execution.step === step && execution.open.size === 0) this.executions.delete(execution);
  }
}
