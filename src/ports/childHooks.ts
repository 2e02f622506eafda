import type { Context } from "../blok/contracts/Context.js";

// A registered symbol, so a host app and this package agree on it even across two copies.
const CHILD_HOOKS = Symbol.for("@blok-ts/parallel-execution/child-hooks");

/** What a parallel container offers the node running as one of its children. */
export interface ChildHooks {
  /** Adds timings to the child's record in `execution_info.children`. */
  readonly reportTiming: (timing: Readonly<Record<string, number>>) => void;
  /** Turns a value read from the child's (copy-on-write) context into plain, cloneable data. */
  readonly toPlain: <T>(value: T) => T;
}

function hooksOf(ctx: Context): ChildHooks | undefined {
  return (ctx as unknown as Record<symbol, ChildHooks | undefined>)[CHILD_HOOKS];
}

/**
 * Lets a node running as a parallel container's child add timings (for instance
 * `{ connect_ms, query_ms }`) to its record in `execution_info.children`. Outside a container it
 * does nothing.
 *
 * @param ctx - the node's context.
 * @param timing - durations in ms.
 * @example
 * ```ts
 * export default class Lookup {
 *   async handle(ctx: Context, inputs: { key: string }) {
 *     const started = performance.now();
 *     const value = inputs.key.toUpperCase(); // stands for a query
 *     reportTiming(ctx, { query_ms: performance.now() - started });
 *     return { value };
 *   }
 * }
 * ```
 */
export function reportTiming(ctx: Context, timing: Readonly<Record<string, number>>): void {
  hooksOf(ctx)?.reportTiming(timing);
}

/**
 * Plain data for a value read from `ctx` or from inputs mapped against it. A container child's
 * context is a copy-on-write view (a Proxy), which `structuredClone` and `postMessage` refuse;
 * call this before sending data to a worker thread or another process. Outside a container it
 * returns the value itself.
 *
 * @param ctx - the node's context.
 * @param value - anything read from it.
 * @returns the same data without views (untouched parts are the original objects, not copies).
 */
export function toPlain<T>(ctx: Context, value: T): T {
  const hooks = hooksOf(ctx);
  return hooks ? hooks.toPlain(value) : value;
}

/**
 * Attaches a container's hooks to a child's context (non-enumerable, so they are never
 * serialised or cloned along with it).
 */
export function setChildHooks(ctx: Context, hooks: ChildHooks): void {
  Object.defineProperty(ctx, CHILD_HOOKS, { value: hooks, enumerable: false, configurable: true, writable: false });
}
