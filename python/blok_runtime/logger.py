"""``ctx.logger``: the methods of Blok's ``LoggerContext``, writing JSON lines to stderr."""

from __future__ import annotations

import base64
import json
import sys
import threading
from typing import Any, Dict, List


class NodeLogger:
    """Blok's ``LoggerContext`` for Python nodes.

    Like Blok's ``DefaultLogger``, every entry is one JSON line (``level``, ``message`` and the
    workflow name, path and request id when known); it goes to the runtime's stderr, which the
    launcher forwards to its log sink. Entries are also kept, so ``getLogs()`` and friends return
    what this call logged (Blok's ``DefaultLogger`` never fills them). ``CONSOLE_LOG_ACTIVE=false``
    in the caller's environment silences the output, as in Blok; entries are still kept.
    """

    def __init__(
        self,
        workflow_name: str = "",
        workflow_path: str = "",
        request_id: str = "",
        node: str = "",
        active: bool = True,
    ) -> None:
        self._labels: Dict[str, str] = {
            key: value
            for key, value in (
                ("workflow_name", workflow_name),
                ("workflow_path", workflow_path),
                ("request_id", request_id),
                ("node", node),
            )
            if value
        }
        self._active = active
        self._logs: List[str] = []
        # Sync nodes log from worker threads.
        self._lock = threading.Lock()

    def log(self, message: Any) -> None:
        """Log at level ``info``."""
        self._write("info", message, None)

    def logLevel(self, level: str, message: Any) -> None:  # noqa: N802 - Blok's name
        """Log at ``level``."""
        self._write(str(level), message, None)

    def error(self, message: Any, stack: str = "") -> None:
        """Log at level ``error`` with an optional stack."""
        self._write("error", message, stack or None)

    def getLogs(self) -> List[str]:  # noqa: N802 - Blok's name
        """The messages logged so far by this call."""
        with self._lock:
            return list(self._logs)

    def getLogsAsText(self) -> str:  # noqa: N802 - Blok's name
        """The messages logged so far, one per line."""
        return "\n".join(self.getLogs())

    def getLogsAsBase64(self) -> str:  # noqa: N802 - Blok's name
        """:meth:`getLogsAsText` encoded as base64."""
        return base64.b64encode(self.getLogsAsText().encode("utf-8")).decode("ascii")

    def _write(self, level: str, message: Any, stack: Any) -> None:
        text = message if isinstance(message, str) else str(message)
        with self._lock:
            self._logs.append(text)
        if not self._active:
            return
        entry: Dict[str, Any] = {"level": level, "message": text, **self._labels}
        if stack is not None:
            entry["stack"] = stack
        print(json.dumps(entry, ensure_ascii=False, default=repr), file=sys.stderr, flush=True)
