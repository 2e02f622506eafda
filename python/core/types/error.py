"""``core.types.error.ErrorContext``: the detail of a :class:`~core.types.global_error.GlobalError`.

A dict with ``message`` and, when set, ``code``, ``json``, ``stack`` and ``name``.
"""

from typing import Any, Dict

ErrorContext = Dict[str, Any]
