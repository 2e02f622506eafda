import { type Context, NodeBlok, NodeBlokResponse } from "../../blok/index.js";
import { reportTiming, toPlain } from "../../ports/index.js";
import { threadContext } from "./protocol.js";
import type { WorkerPool } from "./WorkerPool.js";

/**
 * A `local` node with isolation `worker`: its module runs in a thread of `pool` on structured
 * clones of its mapped inputs and of a small context (see {@link threadContext}), so CPU-heavy
 * work runs in parallel with the event loop and with other children. `ctx.signal` aborts the
 * task, which terminates the thread (a busy loop cannot outlive its timeout).
 */
export class WorkerNode extends NodeBlok<unknown> {
  constructor(
    private readonly pool: WorkerPool,
    /** The node module's file. */
    readonly modulePath: string,
  ) {
    super();
  }

  async handle(ctx: Context, inputs: unknown): Promise<NodeBlokResponse> {
    const { data, timing } = await this.pool.run(
      { modulePath: this.modulePath, name: this.name, ctx: threadContext(ctx), inputs: toPlain(ctx, inputs) },
      ctx.signal ? { signal: ctx.signal } : {},
    );
    // Durations only: the record's own start_ms is the child's start in the run.
    reportTiming(ctx, { queue_ms: timing.queue_ms, thread_start_ms: timing.start_ms, work_ms: timing.work_ms });
    const response = new NodeBlokResponse();
    response.setSuccess(data as never);
    return response;
  }
}
