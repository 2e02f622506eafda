import type { Context } from "../blok/index.js";
import { NestingError } from "./errors.js";
import { CowSpace } from "./isolation/copyOnWrite.js";

// A registered symbol, like the child hooks': a host app and this package agree on it even across
// two copies. Children's contexts copy it (isolateContext copies every own key of the parent's).
const NESTING = Symbol.for("@blok-ts/parallel-execution/nesting");

/** One container of the chain a run is nested in. */
interface Level {
  readonly step: string;
  /** What makes two levels the same container: its node-config object (the same at any depth), else its step name. */
  readonly identity: unknown;
  /** The smallest `execution.max_depth` of this level and the levels around it, and the step that set it. */
  readonly limit: number;
  readonly limitStep: string;
}

function levelsOf(ctx: Context): readonly Level[] {
  return ((ctx as unknown as Record<symbol, readonly Level[] | undefined>)[NESTING] ?? []);
}

/**
 * Enters a container run: checks it against the containers it is nested in (found on `ctx`, put
 * there by the enclosing runs) and returns the context its children are built from, which carries
 * the chain one level longer. A container identical to one around it (same step, same node
 * config, even reached through other containers: A -> B -> A) would nest forever and is refused;
 * so is a chain longer than the smallest `execution.max_depth` along it.
 *
 * @param ctx - the container step's context.
 * @param step - its step name.
 * @param maxDepth - its `execution.max_depth`.
 * @returns a shallow copy of `ctx` (the same field values) carrying the chain.
 * @throws {NestingError} on a cycle or when the chain is too deep.
 */
export function enterContainer(ctx: Context, step: string, maxDepth: number): Context {
  const levels = levelsOf(ctx);
  const config = (ctx.config as Record<string, unknown> | undefined)?.[step];
  const identity = typeof config === "object" && config !== null ? CowSpace.originalOf(config) : `step:${step}`;
  const first = levels.findIndex((level) => level.identity === identity && level.step === step);
  if (first >= 0) throw new NestingError(step, [...levels.slice(first).map((level) => level.step), step]);
  const outer = levels.at(-1);
  const [limit, limitStep] = outer && outer.limit <= maxDepth ? [outer.limit, outer.limitStep] : [maxDepth, step];
  const chain = [...levels.map((level) => level.step), step];
  if (chain.length > limit) throw new NestingError(step, chain, { max_depth: limit, step: limitStep });
  const entered = Object.create(Object.getPrototypeOf(ctx), Object.getOwnPropertyDescriptors(ctx)) as Context;
  const level: Level = Object.freeze({ step, identity, limit, limitStep });
  Object.defineProperty(entered, NESTING, { value: Object.freeze([...levels, level]), enumerable: false, configurable: true, writable: false });
  return entered;
}
