"""The context a Python node receives: Blok's context subset plus a cancellation signal."""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional


class NodeCancelled(Exception):
    """Raised by :meth:`Context.raise_if_cancelled` once the call has been cancelled."""


class Context:
    """Decoded context of one call.

    ``request``, ``response``, ``vars``, ``env`` and ``config`` are the fields Blok's TypeScript
    runner sends (``config`` holds the step's mapped inputs, also passed as ``inputs``). Each call
    gets its own ``Context``, so a node may mutate it freely.

    Cancellation: when the caller cancels the call or its deadline passes, :attr:`cancelled`
    becomes true. Async nodes are additionally interrupted with ``asyncio.CancelledError`` at their
    next ``await``; sync nodes run in a worker thread that Python cannot interrupt, so a long sync
    node should poll :attr:`cancelled` (or call :meth:`raise_if_cancelled`, or wait on
    :attr:`cancel_event`) between units of work.
    """

    __slots__ = ("node", "request", "response", "vars", "env", "config", "cancel_event")

    def __init__(self, node: str, payload: Dict[str, Any]) -> None:
        self.node: str = node
        self.request: Dict[str, Any] = _dict_or_empty(payload.get("request"))
        self.response: Dict[str, Any] = _dict_or_empty(payload.get("response"))
        self.vars: Dict[str, Any] = _dict_or_empty(payload.get("vars"))
        self.env: Dict[str, str] = _dict_or_empty(payload.get("env"))
        self.config: Any = payload.get("config", {})
        # threading.Event rather than asyncio.Event: sync nodes check it from worker threads.
        self.cancel_event: threading.Event = threading.Event()

    @property
    def cancelled(self) -> bool:
        """Whether the call was cancelled (client cancel, deadline, or server shutdown)."""
        return self.cancel_event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`NodeCancelled` if the call was cancelled; a cheap check for loops."""
        if self.cancel_event.is_set():
            raise NodeCancelled(f"call to node {self.node!r} was cancelled")

    def wait_cancelled(self, timeout: Optional[float] = None) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancellation; returns ``cancelled``."""
        return self.cancel_event.wait(timeout)


def _dict_or_empty(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}
