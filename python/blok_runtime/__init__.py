"""Bundled Python runtime for ``@blok-ts/parallel-execution``.

Serves Python nodes over Blok's gRPC protocol. Node authors import from here::

    from blok_runtime import Node, NodeError, Context
"""

from .context import Context, NodeCancelled
from .errors import NodeError, NodeLoadError, NodeNotFoundError, NodeResultError
from .node import Node

__all__ = [
    "Context",
    "Node",
    "NodeCancelled",
    "NodeError",
    "NodeLoadError",
    "NodeNotFoundError",
    "NodeResultError",
]
