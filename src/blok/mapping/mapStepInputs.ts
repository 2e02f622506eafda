import type { Context } from "../contracts/Context.js";
import { mapInputs } from "./mapInputs.js";
import { mapFirstPass, mapperData } from "./mapper.js";

/**
 * The inputs the step `stepName` would receive in `handle`, mapped exactly as a Blok run maps
 * them (first pass in place on `ctx.config[stepName]`, then the second pass with `data`). Used
 * when a node runs elsewhere (a queue worker) and its inputs must be resolved here, against the
 * context only this process has. The inputs are a private copy, as a local run's: a backend
 * that runs the node in this process must not hand it the parent's objects.
 *
 * @param ctx - the context the step runs in; its `config[stepName]` is mapped in place, as Blok does.
 * @param stepName - the step's name.
 * @returns the mapped `inputs` (or `conditions`), `undefined` when the config has neither.
 * @example
 * ```ts
 * const inputs = mapStepInputs(childCtx, "chunk-1");
 * ```
 */
export function mapStepInputs(ctx: Context, stepName: string): unknown {
  ctx.config[stepName] ??= {};
  const firstPass = mapFirstPass(ctx.config[stepName], ctx, stepName);
  return mapInputs(ctx.config[stepName], firstPass, ctx, mapperData(ctx), "copy", stepName);
}
