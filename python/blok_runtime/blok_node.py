"""Calling a node written for Blok's Python runtime (a ``core.node_base.NodeBase``)."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Coroutine

from .context import Context


def is_blok_node(candidate: Any) -> bool:
    """Whether ``candidate`` is run the Blok way: an object with a ``process(ctx)`` method."""
    return callable(getattr(candidate, "process", None)) and not inspect.isclass(candidate)


def blok_handle(name: str, instance: Any) -> Callable[[Context, Any], Coroutine[Any, Any, Any]]:
    """A ``handle(ctx, inputs)`` coroutine function that runs ``instance`` as Blok's runner does.

    ``ctx.config`` holds the inputs; ``instance.process(ctx)`` runs the node (``NanoService``:
    validation, ``handle``, output check) and returns a response. Its ``data`` is the result; an
    ``error`` is raised as a ``GlobalError`` carrying the node's message, code and ``setJson``
    payload, which the runtime answers as a failure (Blok's server would answer it as data).
    """
    from core.types.global_error import global_error_from

    async def handle(ctx: Context, inputs: Any) -> Any:
        # Blok's runner sets these on the shared instance from the call; the registry key is
        # all this protocol tells us, so both carry it (the same value on every call: no race).
        instance.node = name
        instance.name = name
        ctx.config = inputs
        response = instance.process(ctx)
        if inspect.isawaitable(response):
            response = await response
        if not isinstance(response, dict) and not (hasattr(response, "data") and hasattr(response, "error")):
            raise TypeError(
                f"process() of node {name!r} must return a response with data and error, "
                f"got {type(response).__name__}"
            )
        error = response.get("error") if isinstance(response, dict) else response.error
        if error is not None:
            raise global_error_from(error)
        return response.get("data") if isinstance(response, dict) else response.data

    return handle
