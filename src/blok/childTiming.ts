import type { Context } from "./Context.js";

// A registered symbol, so a host app and this package agree on it even across two copies.
const TIMING_SINK = Symbol.for("@blok-ts/parallel-execution/timing");

type TimingSink = (timing: Readonly<Record<string, number>>) => void;

/**
 * Lets a node running as a parallel container's child add timings (for instance
 * `{ startup_ms, work_ms }`) to its record in `execution_info.children`. Outside a container it
 * does nothing.
 *
 * @param ctx - the node's context.
 * @param timing - durations in ms.
 * @example
 * ```ts
 * reportTiming(ctx, { connect_ms: 3.2, call_ms: 41.7 });
 * ```
 */
export function reportTiming(ctx: Context, timing: Readonly<Record<string, number>>): void {
  (ctx as unknown as Record<symbol, TimingSink | undefined>)[TIMING_SINK]?.(timing);
}

/**
 * Attaches where {@link reportTiming} sends timings for this context (non-enumerable, so it is
 * never serialised or cloned along with the context).
 */
export function setTimingSink(ctx: Context, sink: TimingSink): void {
  Object.defineProperty(ctx, TIMING_SINK, { value: sink, enumerable: false, configurable: true, writable: false });
}
