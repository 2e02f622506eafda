import { Script } from "node:vm";
import type { Context } from "../contracts/Context.js";

/** The time limit of one mapping pass's expressions when nothing else is configured. */
export const DEFAULT_EXPRESSION_TIMEOUT_MS = 1_000;

/** The environment variable that sets the default limit for contexts built by `createContext`. */
export const EXPRESSION_TIMEOUT_ENV = "BLOK_EXPRESSION_TIMEOUT_MS";

// A registered symbol, non-enumerable on the context: never serialised, and copied along with the
// context's own keys into a container child's context.
const LIMIT = Symbol.for("@blok-ts/parallel-execution/expression-timeout-ms");
const GUARDED = Symbol.for("@blok-ts/parallel-execution/guarded-expression");

/**
 * Sets the expression time limit for everything mapped against `ctx` (and the contexts of
 * container children made from it).
 *
 * @param ctx - the run's context.
 * @param ms - milliseconds; `0` disables the limit.
 * @throws `RangeError` unless `ms` is a non-negative integer.
 */
export function setExpressionTimeout(ctx: Context, ms: number): void {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`expression time limit must be a whole number of milliseconds >= 0: received ${ms}`);
  Object.defineProperty(ctx, LIMIT, { value: ms, enumerable: false, configurable: true, writable: false });
}

/** @returns the expression time limit of `ctx` in ms (`0`: none), the default when it has none. */
export function expressionTimeoutOf(ctx: Context | undefined): number {
  const ms = (ctx as unknown as Record<symbol, unknown> | undefined)?.[LIMIT];
  return typeof ms === "number" ? ms : DEFAULT_EXPRESSION_TIMEOUT_MS;
}

/**
 * Reads {@link EXPRESSION_TIMEOUT_ENV}.
 *
 * @returns the limit it sets, or `undefined` when it is unset or empty.
 * @throws `RangeError` when it is not a whole number >= 0.
 */
export function expressionTimeoutFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const text = env[EXPRESSION_TIMEOUT_ENV]?.trim();
  if (!text) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`${EXPRESSION_TIMEOUT_ENV} must be a whole number of milliseconds >= 0: received '${text}'`);
  return ms;
}

// Node interrupts a script run with a `timeout` from a watchdog thread, which it starts for each
// run (about 0.1 ms): too much for every expression, so a whole mapping pass runs under one
// watchdog, and only when it holds an expression that could run long (see `template.ts`). The
// script only calls the pending thunk: what it calls runs in this realm with its own globals.
const guardScript = new Script("globalThis[Symbol.for('@blok-ts/parallel-execution/guarded-expression')]()", { filename: "blok-expression-guard" });
let pending: (() => unknown) | undefined;
let depth = 0;
(globalThis as unknown as Record<symbol, unknown>)[GUARDED] = () => pending!();

/** `true` while a guarded call runs (a nested one shares the outer watchdog). */
export function isGuarded(): boolean {
  return depth > 0;
}

/**
 * Runs `work` and interrupts it after `limitMs` (no limit when `0`, or inside another guarded
 * call, whose limit then applies). Interruption cannot be caught by the code interrupted.
 *
 * @returns what `work` returns.
 * @throws whatever `work` throws; an `Error` with code `ERR_SCRIPT_EXECUTION_TIMEOUT` when interrupted.
 */
export function runGuarded<T>(limitMs: number, work: () => T): T {
  if (depth > 0 || limitMs === 0) return work();
  pending = work;
  depth++;
  try {
    return guardScript.runInThisContext({ timeout: limitMs }) as T;
  } finally {
    depth--;
    pending = undefined;
  }
}

/** @returns whether `error` is Node's "script execution timed out" interruption. */
export function isInterruption(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}
