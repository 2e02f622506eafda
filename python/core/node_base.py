"""``core.node_base.NodeBase``: Blok's base class of every Python node."""

from __future__ import annotations

import copy
import inspect
import json
from abc import ABC, abstractmethod
from typing import Any, Dict

from core.types.context import Context
from core.types.global_error import GlobalError
from core.types.response import ResponseContext


class ExpressionsDisabledError(RuntimeError):
    """``runJs`` was called: the bundled runtime never evaluates text as code."""


class NodeBase(ABC):
    """Blok's ``NodeBase``: step fields, ``process``/``run``, variables and error helpers.

    The runtime creates nothing itself for registry nodes: ``get_nodes()`` returns the
    instances, and each is shared by concurrent calls (as in Blok), so keep per-call state in
    local variables.

    Unlike Blok's, :meth:`process` and :meth:`blueprintMapper` never map or evaluate anything:
    the caller already mapped the step's inputs from the workflow as its author wrote it, and
    whatever arrives over the wire is data. Blok's runtime re-reads ``${...}`` and ``js/...``
    strings in the inputs with Python ``eval``, which would run text taken from a request.
    """

    def __init__(self) -> None:
        self.flow: bool = False
        self.name: str = ""
        self.node: str = ""
        self.contentType: str = ""
        self.active: bool = True
        self.stop: bool = False
        self.originalConfig: Dict[str, Any] = {}
        self.set_var: bool = False

    async def process(self, ctx: Context) -> ResponseContext:
        """Run the node on ``ctx`` (its inputs are ``ctx.config``) and store the result in ``ctx.response``."""
        self.originalConfig = copy.copy(ctx.config)
        response = self.run(ctx)
        if inspect.isawaitable(response):
            response = await response
        ctx.response = response
        return response

    @abstractmethod
    async def run(self, ctx: Context) -> ResponseContext:
        """Run the node; ``NanoService`` implements it (validation, then ``handle``)."""

    def blueprintMapper(self, obj: Any, ctx: Context, data: Any = None) -> Any:  # noqa: N802
        """Return ``obj`` unchanged.

        Blok's version substitutes ``${...}`` and evaluates ``js/...`` strings with Python
        ``eval``; here inputs arrive already mapped, and a string that still looks like an
        expression is data from the request, which must never run.
        """
        return obj

    def runJs(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - Blok's name
        """Refused: Blok's ``runJs`` evaluates a string with Python ``eval``.

        Raises:
            ExpressionsDisabledError: always. Compute the value in Python instead.
        """
        raise ExpressionsDisabledError(
            f"runJs() is not available in node {self.name or type(self).__name__!r}: the bundled "
            "Python runtime never evaluates text as code; compute the value in Python instead"
        )

    def setVar(self, ctx: Context, vars: Dict[str, Any]) -> None:  # noqa: A002,N802 - Blok's names
        """Merge ``vars`` into ``ctx.vars`` (this call's context only)."""
        if getattr(ctx, "vars", None) is None:
            ctx.vars = {}
        ctx.vars.update(vars)

    def getVar(self, ctx: Context, name: str) -> Any:  # noqa: N802 - Blok's name
        """``ctx.vars[name]``, or ``None``."""
        values = getattr(ctx, "vars", None)
        return values.get(name) if isinstance(values, dict) else None

    def setError(self, config: Any) -> GlobalError:  # noqa: N802 - Blok's name
        """Build a :class:`GlobalError` named after this node, as Blok's ``NodeBase.setError``.

        A string is the message; ``{"message": m}`` alone is the message; any other dict is
        both the message (as JSON text) and the json payload. A dict's ``json``, ``stack`` and
        ``code`` (500 when not an integer) are then copied.
        """
        if isinstance(config, str):
            error = GlobalError(config)
        elif isinstance(config, dict) and set(config) == {"message"}:
            error = GlobalError(config["message"])
        elif isinstance(config, dict):
            error = GlobalError(json.dumps(config, default=repr))
            error.setJson(config)
        else:
            error = GlobalError("Unknown Error")
        if isinstance(config, dict):
            if "json" in config:
                error.setJson(config["json"])
            if "stack" in config:
                error.setStack(config["stack"])
            if "code" in config:
                code = config["code"]
                error.setCode(code if isinstance(code, int) and not isinstance(code, bool) else 500)
        error.setName(self.name)
        return error
