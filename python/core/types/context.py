"""``core.types.context.Context``: the context a node's ``handle(ctx, inputs)`` receives.

It is the runtime's own context class, so ``isinstance(ctx, Context)`` holds for what a node
receives; see :class:`blok_runtime.context.Context` for its attributes.
"""

from blok_runtime.context import Context

__all__ = ["Context"]
