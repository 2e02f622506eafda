import type { Context } from "../contracts/Context.js";
import type { Handler } from "./Handler.js";
import { NodeBlok } from "../contracts/NodeBlok.js";
import type { NodeBlokResponse } from "../contracts/NodeBlokResponse.js";
import { toNodeBlokResponse } from "./toNodeBlokResponse.js";

/**
 * Runs a {@link Handler} (any class instance or object with `handle(ctx, inputs)`, e.g. a local
 * node that does not extend `NodeBlok`, or a node built on a host app's own Blok classes) as a
 * `NodeBlok`: it gets the same mapping, `inputSchema` validation, `set_var` and `contentType`
 * handling, and its result is normalised with {@link toNodeBlokResponse}. A thrown error stays an
 * error.
 *
 * `handle` is called with the target as `this`. The target's own `contentType` and `inputSchema`
 * are adopted when present. A target this node owns (an instance `toNodeBase` made from a class)
 * gets the step's name in its `name` field, when it has one, before each call, as Blok's runner
 * sets it on the node instance; a shared object is never written.
 *
 * @example
 * ```ts
 * const node = new HandlerNode({ handle: (_ctx, inputs: { n: number }) => inputs.n + 1 });
 * ```
 */
export class HandlerNode extends NodeBlok<unknown> {
  /** The wrapped handler; shared by clones of this node, so it should keep no per-run state. */
  readonly target: Handler;

  /** Whether {@link target} is this node's own instance, which may be given the step's name. */
  readonly ownsTarget: boolean;

  /**
   * @param target - the object whose `handle` does the work.
   * @param ownsTarget - `target` was made for this node (a fresh instance of a class), so its
   * `name` field may be set; `false` for a shared object.
   */
  constructor(target: Handler, ownsTarget = false) {
    super();
    this.target = target;
    this.ownsTarget = ownsTarget;
    if (typeof target.contentType === "string") this.contentType = target.contentType;
    if (typeof target.inputSchema === "object" && target.inputSchema !== null) this.inputSchema = target.inputSchema;
  }

  /**
   * Calls the target's `handle` and normalises its result.
   *
   * @returns the normalised response.
   * @throws whatever the target's `handle` throws.
   */
  async handle(ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
    // Reflect.set: a read-only `name` (a getter) is left alone instead of throwing.
    if (this.ownsTarget && "name" in this.target) Reflect.set(this.target, "name", this.name);
    const result = await this.target.handle(ctx, inputs as never);
    return toNodeBlokResponse(result, this);
  }
}
