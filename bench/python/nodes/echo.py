"""Async echo: returns its inputs. The runtime's own per-call cost, with a reply of the same
size as the bare echo server's."""


async def handle(ctx, inputs):
    return inputs
