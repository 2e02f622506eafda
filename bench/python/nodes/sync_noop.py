"""A sync no-op: measures the extra cost of the thread-pool hop for sync nodes."""


def handle(ctx, inputs):
    return {"ok": True}
