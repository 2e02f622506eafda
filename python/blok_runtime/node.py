"""Base class for class-shaped Python nodes."""

from __future__ import annotations

from typing import Any

from .context import Context


class Node:
    """Derive from this class and override :meth:`handle` (``def`` or ``async def``).

    The runtime creates one instance per node module, on first use, with no arguments, and shares
    it between concurrent calls, exactly like Blok's node singletons: keep per-call state in local
    variables, not on ``self``.
    """

    def handle(self, ctx: Context, inputs: Any) -> Any:
        """Run the node. Return JSON-serialisable data or raise to fail the call."""
        raise NotImplementedError(f"{type(self).__name__} must override handle(ctx, inputs)")
