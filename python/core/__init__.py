"""Blok compatibility package of the bundled Python runtime.

Python nodes written for Blok's released runtime import these modules by these paths::

    from core.nanoservice import NanoService
    from core.node_base import NodeBase
    from core.types.context import Context
    from core.types.nanoservice_response import NanoServiceResponse
    from core.types.global_error import GlobalError

and run unchanged on the bundled runtime. The public classes and methods follow Blok's; what
differs on purpose is listed in docs/python-nodes.md. Above all, nothing here evaluates text:
Blok's Python mapper re-reads inputs with ``eval``, this package never does.
"""

# Lets the runtime tell this package from another module named ``core`` that shadows it.
BLOK_TS_COMPAT = True
