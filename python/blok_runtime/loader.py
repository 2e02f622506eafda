"""Finding, importing and caching the nodes of a nodes directory."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import inspect
import os
import re
import sys
import threading
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from .blok_node import blok_handle, is_blok_node
from .blok_registry import find_registry, import_registry, load_compat_core
from .errors import NodeLoadError, NodeNotFoundError
from .node import Node

# Node names become file names: no path separators, no leading dot, no "..".
_VALID_NAME = re.compile(r"^[A-Za-z0-9_@-][A-Za-z0-9_.@-]*$")


class LoadedNode(NamedTuple):
    """A node ready to call: its ``handle`` callable and whether it is a coroutine function."""

    name: str
    path: str
    handle: Callable[..., Any]
    is_async: bool


class NodeRegistry:
    """Imports ``<dir>/<node>.py`` or ``<dir>/<node>/node.py`` on first use and keeps it.

    When the directory is a Blok Python project (``<dir>/nodes/nodes.py``, or ``<dir>`` is the
    ``nodes`` folder holding ``nodes.py``), the names its ``get_nodes()`` returns are served
    first, as Blok's runtime serves them; other names still resolve to files as above.

    Imports run in a worker thread so a slow import (numpy, a model) does not stall calls to other
    nodes; concurrent first calls share one import. A failed import is not cached, so fixing the
    file and calling again works without restarting the runtime.
    """

    def __init__(self, nodes_dir: str) -> None:
        self.nodes_dir = os.path.abspath(nodes_dir)
        # The Blok `nodes` package folder, when the directory is a Blok project.
        self.blok_package: Optional[str] = find_registry(self.nodes_dir)
        self._blok_nodes: Optional[Dict[str, Any]] = None
        # Imports run in worker threads: the first calls to different names may race here.
        self._blok_lock = threading.Lock()
        self._loaded: Dict[str, LoadedNode] = {}
        self._loading: Dict[str, "asyncio.Future[LoadedNode]"] = {}

    async def get(self, name: str) -> LoadedNode:
        """Return the loaded node, importing it if needed.

        Raises :class:`NodeNotFoundError` or :class:`NodeLoadError`.
        """
        loaded = self._loaded.get(name)
        if loaded is not None:
            return loaded
        pending = self._loading.get(name)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(self._load, name))
            self._loading[name] = pending
            pending.add_done_callback(lambda _: self._loading.pop(name, None))
        # shield: a cancelled caller must not abort an import other callers are waiting for.
        loaded = await asyncio.shield(pending)
        self._loaded[name] = loaded
        return loaded

    def _load(self, name: str) -> LoadedNode:
        # Node files written for Blok import `core`: make it ours before any of them runs, so a
        # `core/` in the working directory (which `python -m` puts first on sys.path) cannot win.
        load_compat_core()
        if self.blok_package is not None:
            registry = self._blok_registry()
            if name in registry:
                return _registered_node(name, registry[name], os.path.join(self.blok_package, "nodes.py"))
        path = self._find(name)
        module = _import_file(name, path)
        handle = _resolve_handle(name, module, path)
        return LoadedNode(name, path, handle, inspect.iscoroutinefunction(handle))

    def _blok_registry(self) -> Dict[str, Any]:
        # Imported once, on the first call; a failed import is retried by the next call.
        with self._blok_lock:
            if self._blok_nodes is None:
                assert self.blok_package is not None
                self._blok_nodes = import_registry(self.blok_package)
            return self._blok_nodes

    def _find(self, name: str) -> str:
        if not _VALID_NAME.match(name) or ".." in name:
            raise NodeNotFoundError(
                f"invalid node name {name!r}: use letters, digits, '_', '-', '@' and '.' "
                f"(nodes directory {self.nodes_dir})"
            )
        flat = os.path.join(self.nodes_dir, f"{name}.py")
        packaged = os.path.join(self.nodes_dir, name, "node.py")
        for path in (flat, packaged):
            if os.path.isfile(path):
                return path
        registered = ""
        if self._blok_nodes is not None:
            names = ", ".join(sorted(map(str, self._blok_nodes))) or "none"
            registered = f"not a name of get_nodes() in {self.blok_package}/nodes.py ({names}), "
        raise NodeNotFoundError(
            f"node {name!r} not found in {self.nodes_dir} "
            f"({registered}looked for {name}.py and {os.path.join(name, 'node.py')})"
        )


def _registered_node(name: str, entry: Any, registry_file: str) -> LoadedNode:
    # Blok registers instances; a function or an object with handle() is accepted as well.
    if is_blok_node(entry):
        return LoadedNode(name, registry_file, blok_handle(name, entry), True)
    handle = getattr(entry, "handle", None) if not inspect.isfunction(entry) else entry
    if callable(handle) and not inspect.isclass(entry):
        return LoadedNode(name, registry_file, handle, inspect.iscoroutinefunction(handle))
    raise NodeLoadError(
        f"get_nodes() of {registry_file} maps {name!r} to {type(entry).__name__}, which is neither "
        "a node instance (NanoService, NodeBase) nor a handle(ctx, inputs) function"
    )


def _import_file(name: str, path: str):
    # A unique, valid module name per file; the digest keeps "a-b" and "a_b" apart.
    digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:8]
    module_name = f"_blok_node_{re.sub(r'[^0-9A-Za-z_]', '_', name)}_{digest}"
    is_package = os.path.basename(path) == "node.py"
    spec = importlib.util.spec_from_file_location(
        module_name,
        path,
        # <node>/node.py is loaded as a package so it can import its siblings relatively.
        submodule_search_locations=[os.path.dirname(path)] if is_package else None,
    )
    if spec is None or spec.loader is None:
        raise NodeLoadError(f"cannot import node {name!r} from {path}")
    module = importlib.util.module_from_spec(spec)
    # Registered before execution, as the import system does, so dataclasses, pickling and
    # relative imports inside the node can find the module.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(module_name, None)
        raise NodeLoadError(
            f"importing node {name!r} from {path} failed: {type(exc).__name__}: {exc}"
        ) from exc
    return module


def _resolve_handle(name: str, module: Any, path: str) -> Callable[..., Any]:
    handle = getattr(module, "handle", None)
    if callable(handle) and not inspect.isclass(handle):
        return handle
    classes = _leaf_classes(module, Node)
    if len(classes) == 1:
        cls = classes[0]
        if cls.handle is Node.handle:
            raise NodeLoadError(f"{cls.__name__} in {path} does not override handle(ctx, inputs)")
        return _instantiate(cls, path).handle
    if classes:
        names = ", ".join(sorted(cls.__name__ for cls in classes))
        raise NodeLoadError(f"{path} defines several Node subclasses ({names}); keep one per node file")
    # A file written for Blok's runtime: one concrete NanoService (NodeBase) subclass.
    blok_base = getattr(sys.modules.get("core.node_base"), "NodeBase", None)
    if inspect.isclass(blok_base):
        blok_classes = [cls for cls in _leaf_classes(module, blok_base) if not inspect.isabstract(cls)]
        if len(blok_classes) == 1:
            return blok_handle(name, _instantiate(blok_classes[0], path))
        if blok_classes:
            names = ", ".join(sorted(cls.__name__ for cls in blok_classes))
            raise NodeLoadError(f"{path} defines several NanoService subclasses ({names}); keep one per node file")
    raise NodeLoadError(
        f"{path} defines neither a module-level handle(ctx, inputs) function, "
        f"nor a subclass of blok_runtime.Node, nor a concrete core.nanoservice.NanoService subclass"
    )


def _instantiate(cls: type, path: str) -> Any:
    try:
        return cls()
    except Exception as exc:
        raise NodeLoadError(
            f"creating {cls.__name__}() from {path} failed: {type(exc).__name__}: {exc}"
        ) from exc


def _leaf_classes(module: Any, base: type) -> List[type]:
    # Classes defined in this file that derive from `base`; a shared base class defined in the
    # same file is skipped in favour of its subclass.
    own = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, base)
        and obj is not base
        and obj.__module__ == module.__name__
    ]
    return [cls for cls in own if not any(other is not cls and issubclass(other, cls) for other in own)]
