"""Exceptions the runtime defines for nodes and for its own failures."""

from __future__ import annotations

from typing import Any, Optional


class NodeError(Exception):
    """Raise from a node to fail with Blok's error details.

    ``code`` is the HTTP status a Blok workflow should answer with (Blok's ``GlobalError.setCode``),
    ``json`` an optional structured body (``GlobalError.setJson``). Both travel in the error reply
    as ``"code"`` and ``"json"``; any other exception fails with no code (Blok answers 500).
    """

    def __init__(self, message: str, *, code: Optional[int] = None, json: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.json = json


class NodeNotFoundError(LookupError):
    """No ``<dir>/<node>.py`` nor ``<dir>/<node>/node.py`` exists for the requested node."""


class NodeLoadError(ImportError):
    """A node file exists but importing it failed or it defines no usable handler."""


class NodeResultError(TypeError):
    """A node returned data that cannot be sent as JSON (e.g. a ``set``, ``NaN``, an object)."""
