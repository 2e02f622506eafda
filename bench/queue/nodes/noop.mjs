// Trivial child: returns its index.
export default {
  async handle(ctx) {
    return ctx.index ?? null;
  },
};
