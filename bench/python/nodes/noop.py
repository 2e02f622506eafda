"""Does nothing: measures the runtime's own per-call cost."""


async def handle(ctx, inputs):
    return {"ok": True}
