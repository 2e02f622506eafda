// CPU-bound child: busy-loops `ms` milliseconds on the event loop, then returns its index.
export default {
  async handle(ctx, inputs = {}) {
    const until = performance.now() + Number(inputs.ms ?? 10);
    let x = Number(ctx.index ?? 0);
    while (performance.now() < until) for (let i = 0; i < 10_000; i++) x = (x * 1103515245 + 12345) % 2147483648;
    return { index: ctx.index ?? null, x: x >= 0 };
  },
};
