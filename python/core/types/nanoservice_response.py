"""``core.types.nanoservice_response.NanoServiceResponse``: what ``NanoService.handle`` returns."""

from __future__ import annotations

from typing import Any, List

from core.types.global_error import GlobalError
from core.types.response import ResponseContext


class NanoServiceResponse(ResponseContext):
    """A handle's result: call :meth:`setSuccess` with the output or :meth:`setError` with a GlobalError."""

    def __init__(self) -> None:
        super().__init__(data={}, error=None, success=True, contentType="application/json")
        self.steps: List[Any] = []

    def setSuccess(self, data: Any) -> None:  # noqa: N802 - Blok's name
        """Succeed with ``data`` (any JSON-serialisable value): it becomes the step's output."""
        self.data = data
        self.error = None
        self.success = True

    def setError(self, error: GlobalError) -> None:  # noqa: N802 - Blok's name
        """Fail with ``error``: its message, code and ``setJson`` payload reach the caller."""
        self.error = error
        self.success = False
        self.data = {}

