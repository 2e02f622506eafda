"""The context a Python node receives: Blok's context plus a cancellation signal."""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional

from .logger import NodeLogger


class NodeCancelled(Exception):
    """Raised by :meth:`Context.raise_if_cancelled` once the call has been cancelled."""


class Context:
    """Decoded context of one call: a plain attribute object, so ``vars(ctx)`` works.

    It carries every attribute of Blok's ``Context`` (``core.types.context.Context`` is this
    class): ``id``, ``workflow_name``, ``workflow_path``, ``request``, ``response``, ``error``,
    ``logger``, ``config``, ``func``, ``vars``, ``env``, ``eventLogger`` and ``_PRIVATE_``. Values
    come from what the caller sent (``config`` holds the step's mapped inputs, also passed as
    ``inputs``); what it did not send gets Blok's empty default. ``logger`` is built here, since a
    logger cannot travel over the wire. Each call gets its own ``Context``, so a node may mutate
    it freely. ``Context()`` with no arguments is an empty context, as in Blok's tests.

    Nothing here is ever evaluated: every string is kept exactly as it arrived.

    Cancellation: when the caller cancels the call or its deadline passes, :attr:`cancelled`
    becomes true. Async nodes are additionally interrupted with ``asyncio.CancelledError`` at their
    next ``await``; sync nodes run in a worker thread that Python cannot interrupt, so a long sync
    node should poll :attr:`cancelled` (or call :meth:`raise_if_cancelled`, or wait on
    :attr:`cancel_event`) between units of work.
    """

    def __init__(self, node: str = "", payload: Optional[Dict[str, Any]] = None) -> None:
        sent: Dict[str, Any] = payload if isinstance(payload, dict) else {}
        self.node: str = node
        self.id: str = _str_or_empty(sent.get("id"))
        self.workflow_name: str = _str_or_empty(sent.get("workflow_name"))
        self.workflow_path: str = _str_or_empty(sent.get("workflow_path"))
        self.request: Dict[str, Any] = _dict_or_empty(sent.get("request"))
        self.response: Any = _dict_or_empty(sent.get("response"))
        self.error: Dict[str, Any] = _dict_or_empty(sent.get("error"))
        self.config: Any = sent.get("config", {})
        self.func: Dict[str, Any] = _dict_or_empty(sent.get("func"))
        self.vars: Dict[str, Any] = _dict_or_empty(sent.get("vars"))
        self.env: Dict[str, Any] = _dict_or_empty(sent.get("env"))
        self.logger: NodeLogger = NodeLogger(
            workflow_name=self.workflow_name,
            workflow_path=self.workflow_path,
            request_id=self.id,
            node=node,
            active=self.env.get("CONSOLE_LOG_ACTIVE") != "false",
        )
        self.eventLogger: Any = None
        self._PRIVATE_: Any = None
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


def _str_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""
