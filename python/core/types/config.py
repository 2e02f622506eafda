"""``core.types.config.ConfigContext``: a node's configuration (its mapped inputs)."""

from typing import Any, Dict

ConfigContext = Dict[str, Any]
