// Bench node: waits `ms` (or until ctx.signal aborts), so a run lasts long enough for subscribers to follow it live.
export default class Nap {
  async handle(ctx, inputs) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, Number(inputs.ms));
      ctx.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      }, { once: true });
    });
    return { i: inputs.i };
  }
}
