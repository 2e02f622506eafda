import type { Context, ResponseContext } from "../contracts/Context.js";
import { GlobalError } from "../contracts/GlobalError.js";
import type { NodeBase } from "../contracts/NodeBase.js";
import { toGlobalError } from "../contracts/toGlobalError.js";

/**
 * Runs resolved steps in order against `ctx`, exactly like Blok's step loop:
 *
 * - `ctx.config` is shallow-copied once, so nodes adding keys do not touch the caller's map;
 * - a step with `active === false` is skipped; a step with `stop` ends the run (successfully)
 *   before it executes, together with everything after it;
 * - before each step `ctx.response.contentType` is set to the step's `contentType`;
 * - a normal step's response replaces `ctx.response` (under `set_var` the step leaves it as it
 *   was); a response carrying an error ends the run with that error;
 * - a flow step's returned steps run next, before the steps that followed it.
 *
 * Any failure is thrown as a {@link GlobalError}: the node's own `GlobalError` as is (code and json
 * kept), anything else converted with `toGlobalError`. Differences from stock Blok: a flow node's
 * own error propagates (Blok reports "flow_steps is not iterable"), a flow node returning a
 * non-array fails with a message naming it, and when `ctx.signal` has aborted no further step
 * starts (the abort reason is thrown).
 *
 * @param ctx - the context; mutated as the steps run.
 * @param steps - resolved node instances, in order.
 * @returns `ctx` after the last step.
 * @throws {@link GlobalError} on the first failure.
 * @example
 * ```ts
 * await runSteps(ctx, [first, second]);
 * console.log(ctx.response.data);
 * ```
 */
export async function runSteps(ctx: Context, steps: readonly NodeBase[]): Promise<Context> {
  try {
    return await executeSteps(ctx, steps);
  } catch (error) {
    throw error instanceof GlobalError ? error : toGlobalError(error);
  }
}

async function executeSteps(ctx: Context, steps: readonly NodeBase[]): Promise<Context> {
  ctx.config = { ...ctx.config };
  // Flow steps splice their children in front of the remaining steps, so the queue is rebuilt
  // and the cursor restarts instead of recursing as Blok does.
  let queue = steps;
  for (let index = 0; index < queue.length; index++) {
    const step = queue[index] as NodeBase;
    if (!step.active) continue;
    if (step.stop) break;
    ctx.signal?.throwIfAborted();
    ctx.response.contentType = step.contentType;
    if (step.flow) {
      const children = (await step.processFlow(ctx)).data;
      if (!Array.isArray(children)) {
        throw new TypeError(`Flow node '${step.name}' must return an array of steps, got ${typeof children}`);
      }
      queue = [...(children as NodeBase[]), ...queue.slice(index + 1)];
      index = -1;
      continue;
    }
    const wrapper = await step.process(ctx);
    ctx.response = wrapper.data as ResponseContext;
    if (ctx.response.error) throw ctx.response.error;
  }
  return ctx;
}

/**
 * Blok's `Runner`: holds resolved steps and runs them with {@link runSteps}. A parallel container
 * runs each child as `new Runner([child]).run(childCtx)` to get exact step semantics.
 *
 * @example
 * ```ts
 * class Greet extends NodeBlok<{ name: string }> {
 *   async handle(_ctx: Context, inputs: { name: string }) {
 *     const response = new NodeBlokResponse();
 *     response.setSuccess({ hello: inputs.name });
 *     return response;
 *   }
 * }
 * const node = new Greet();
 * node.name = "greet";
 * const ctx = await new Runner([node]).run(createContext({ config: { greet: { inputs: { name: "ada" } } } }));
 * console.log(ctx.response.data); // { hello: "ada" }
 * ```
 */
export class Runner {
  /** The resolved steps, in order. */
  readonly steps: readonly NodeBase[];

  /** @param steps - resolved node instances, in order. */
  constructor(steps: readonly NodeBase[]) {
    this.steps = steps;
  }

  /**
   * Runs the steps against `ctx`.
   *
   * @returns `ctx` after the last step.
   * @throws {@link GlobalError} on the first failure.
   */
  run(ctx: Context): Promise<Context> {
    return runSteps(ctx, this.steps);
  }
}
