"""``core.types.global_error.GlobalError``: Blok's error with an HTTP status and a JSON body."""

from __future__ import annotations

from typing import Any, Dict, Optional

from blok_runtime.errors import NodeError


class GlobalError(NodeError):
    """Blok's ``GlobalError``: a message plus ``context`` = ``{message, code?, json?, stack?, name?}``.

    Put it in a response with ``NanoServiceResponse.setError`` (or raise it): the child then
    fails with this message, ``code`` (the HTTP status a Blok workflow answers with, 500 when
    unset) and the ``setJson`` payload, exactly like a TypeScript ``GlobalError``.

    It is a :class:`blok_runtime.NodeError`, which is how ``code`` and ``json`` reach the caller.
    One deliberate difference from Blok: ``str(error)`` is always the message (Blok's is the
    payload's Python repr once ``setJson`` was called), so the failure's message stays the
    message and the payload travels as JSON beside it.
    """

    def __init__(self, msg: Any = None) -> None:
        # Blok nodes pass exceptions too (``GlobalError(error)``): their text is the message.
        text: Optional[str] = None if msg is None else str(msg)
        Exception.__init__(self, text or "")
        self.message: Optional[str] = text
        self.context: Dict[str, Any] = {"message": text}
        self.code: Optional[int] = 500

    @property
    def json(self) -> Any:
        """The ``setJson`` payload, or ``None``."""
        return self.context.get("json")

    def setCode(self, code: Optional[int] = None) -> None:  # noqa: N802 - Blok's name
        """Set the HTTP status (``context['code']``)."""
        self.code = code
        self.context["code"] = code

    def setJson(self, json: Any = None) -> None:  # noqa: N802 - Blok's name
        """Set the JSON body a Blok workflow answers with (``context['json']``)."""
        self.context["json"] = json

    def setStack(self, stack: Optional[str] = None) -> None:  # noqa: N802 - Blok's name
        """Set ``context['stack']``."""
        self.context["stack"] = stack

    def setName(self, name: Optional[str] = None) -> None:  # noqa: N802 - Blok's name
        """Set ``context['name']`` (by convention the failing node's name)."""
        self.context["name"] = name

    def hasJson(self) -> bool:  # noqa: N802 - Blok's name
        """Whether ``setJson`` was called."""
        return "json" in self.context

    def to_dict(self) -> Dict[str, Any]:
        """The ``context`` dict itself, as in Blok."""
        return self.context

    def __str__(self) -> str:
        return self.message or ""

    def __repr__(self) -> str:
        return f"GlobalError({self.context!r})"


def global_error_from(error: Any) -> GlobalError:
    """The :class:`GlobalError` a response's ``error`` stands for.

    ``error`` is what a node left in ``response.error``: a GlobalError, its ``to_dict()`` (what
    ``NanoService.run`` stores, as in Blok), or anything else (its text becomes the message).
    """
    if isinstance(error, GlobalError):
        return error
    if isinstance(error, dict):
        rebuilt = GlobalError(error.get("message"))
        for key, value in error.items():
            if key == "code":
                rebuilt.setCode(value if isinstance(value, int) and not isinstance(value, bool) else 500)
            elif key != "message":
                rebuilt.context[key] = value
        return rebuilt
    return GlobalError(error)
