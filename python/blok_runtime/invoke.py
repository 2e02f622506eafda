"""Running a node's ``handle`` without blocking the server loop, and cancelling it."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Set

from .context import Context
from .loader import LoadedNode


class Invoker:
    """Runs async nodes on the event loop and sync nodes in a thread pool.

    Cancellation: the gRPC server cancels the task serving a call when the client cancels it or
    its deadline passes. An async node then receives ``asyncio.CancelledError`` at its current
    ``await``. A sync node cannot be interrupted mid-statement (CPython has no safe way to stop a
    thread), so its ``ctx.cancel_event`` is set and the call returns at once; the worker thread
    stays busy until the node notices the flag or finishes, and its result is discarded.
    """

    def __init__(self, max_threads: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="blok-node")
        # Contexts of calls in progress, so shutdown can signal every one of them.
        self._active: Set[Context] = set()
        # Sync handlers currently executing in a worker thread (including abandoned ones).
        self._busy_threads = 0
        self._busy_lock = threading.Lock()

    async def run(self, node: LoadedNode, ctx: Context, inputs: Any) -> Any:
        """Call ``node.handle(ctx, inputs)`` and return its (awaited) result."""
        self._active.add(ctx)
        try:
            if node.is_async:
                result = await node.handle(ctx, inputs)
            else:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(
                    self._executor, self._run_sync, node, ctx, inputs
                )
            # A plain function may still return an awaitable (e.g. a coroutine from a helper).
            if inspect.isawaitable(result):
                result = await result
            return result
        except asyncio.CancelledError:
            ctx.cancel_event.set()
            raise
        finally:
            self._active.discard(ctx)

    def cancel_all(self) -> None:
        """Signal cancellation to every call in progress (used at shutdown)."""
        for ctx in list(self._active):
            ctx.cancel_event.set()

    def shutdown(self, timeout: float) -> int:
        """Stop accepting work and wait up to ``timeout`` s for sync nodes to return.

        Returns how many sync nodes are still running; the caller must then exit the process
        without joining those threads, or a node ignoring cancellation would keep it alive.
        """
        self.cancel_all()
        self._executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + timeout
        while self.busy_threads and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.busy_threads

    @property
    def busy_threads(self) -> int:
        """Number of sync node calls currently occupying a worker thread."""
        with self._busy_lock:
            return self._busy_threads

    def _run_sync(self, node: LoadedNode, ctx: Context, inputs: Any) -> Any:
        with self._busy_lock:
            self._busy_threads += 1
        try:
            return node.handle(ctx, inputs)
        finally:
            with self._busy_lock:
                self._busy_threads -= 1
