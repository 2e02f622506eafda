"""``core.types.response.ResponseContext``: what a node's ``run``/``process`` returns."""

from __future__ import annotations

from typing import Any, Dict, Optional


class ResponseContext:
    """A step's outcome: ``data`` on success, ``error`` (a GlobalError or its dict) on failure.

    The defaults are Blok's, ``success`` included (``False`` until a node sets it).
    """

    def __init__(
        self,
        data: Any = None,
        error: Any = None,
        success: bool = False,
        contentType: str = "application/json",  # noqa: N803 - Blok's name
    ) -> None:
        self.data: Any = {} if data is None else data
        self.error: Any = error
        self.success: bool = success
        self.contentType: str = contentType

    def to_dict(self) -> Dict[str, Any]:
        """``{data, error, success, contentType}`` with ``error`` as a dict (or ``None``)."""
        return {
            "data": self.data,
            "error": _error_dict(self.error),
            "success": self.success,
            "contentType": self.contentType,
        }


def _error_dict(error: Any) -> Optional[Dict[str, Any]]:
    if error is None:
        return None
    if hasattr(error, "to_dict"):
        return error.to_dict()
    if isinstance(error, dict):
        return error
    return {"message": str(error)}
