"""Awaits 20 ms: an I/O-bound node, so concurrency has something to overlap."""

import asyncio


async def handle(ctx, inputs):
    await asyncio.sleep(0.02)
    return {"ok": True}
