import type { Context } from "./Context.js";
import { deepClone } from "./deepClone.js";
import { mapperData, mapSecondPass, mapValue } from "./mapper.js";

/**
 * The inputs the step `stepName` would receive in `handle`, mapped exactly as a Blok run maps
 * them (first pass in place on `ctx.config[stepName]`, then the second pass with `data`). Used
 * when a node runs elsewhere (a queue worker) and its inputs must be resolved here, against the
 * context only this process has.
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
  const template = deepClone(ctx.config[stepName] ?? {});
  ctx.config[stepName] ??= {};
  mapValue(ctx.config[stepName], ctx);
  const options = mapSecondPass(template, ctx.config[stepName], ctx, mapperData(ctx)) as { inputs?: unknown; conditions?: unknown };
  return options.inputs ?? options.conditions;
}
