"""Blok's Python project layout: a ``nodes`` package whose ``nodes.py`` has ``get_nodes()``.

A Blok project (``runtimes/python3`` of Blok's released line) registers its node instances in
``nodes/nodes.py``::

    from nodes.api_call.node import ApiCall
    nodes = {"api_call": ApiCall()}
    def get_nodes():
        return nodes

and its node files import Blok's ``core`` package. This module imports such a registry as it
is, with this runtime's compatibility ``core`` package standing in for Blok's.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
import types
from typing import Any, Dict, Optional

from .errors import NodeLoadError

_PACKAGE = "nodes"
_COMPAT = "core"
# python/ of this package: the folder holding blok_runtime/ and the compatibility core/.
_RUNTIME_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Node imports run in worker threads: two first calls must not each create a `core` module.
_CORE_LOCK = threading.Lock()


def find_registry(nodes_dir: str) -> Optional[str]:
    """The folder of the ``nodes`` package for ``nodes_dir``, or ``None`` when it has none.

    Accepted: the project folder (holding ``nodes/nodes.py``) or the ``nodes`` folder itself
    (holding ``nodes.py``).
    """
    nested = os.path.join(nodes_dir, _PACKAGE)
    if os.path.isfile(os.path.join(nested, "nodes.py")):
        return nested
    if os.path.isfile(os.path.join(nodes_dir, "nodes.py")):
        return nodes_dir
    return None


def import_registry(package_dir: str) -> Dict[str, Any]:
    """Import ``<package_dir>/nodes.py`` as ``nodes.nodes`` and return ``get_nodes()``.

    The ``nodes`` package is bound to ``package_dir`` whatever the folder is called, and its
    parent folder is appended to ``sys.path`` so the project's own top-level modules import too.
    A failed import leaves nothing behind, so a fixed project loads on the next call.

    Raises:
        NodeLoadError: the compatibility package is shadowed, the import failed, or
            ``get_nodes`` is missing or does not return a dict.
    """
    registry_file = os.path.join(package_dir, "nodes.py")
    load_compat_core()
    project_root = os.path.dirname(package_dir)
    if project_root not in sys.path:
        # Appended, not prepended: a project's own copy of Blok's core/ must not win.
        sys.path.append(project_root)
    try:
        _bind_package(package_dir)
        module = importlib.import_module(f"{_PACKAGE}.nodes")
    except NodeLoadError:
        raise
    except BaseException as exc:
        _forget_package()
        raise NodeLoadError(
            f"importing the Blok node registry {registry_file} failed: {type(exc).__name__}: {exc}"
        ) from exc
    get_nodes = getattr(module, "get_nodes", None)
    if not callable(get_nodes):
        _forget_package()
        raise NodeLoadError(f"{registry_file} defines no get_nodes() function")
    try:
        registry = get_nodes()
    except Exception as exc:
        _forget_package()
        raise NodeLoadError(f"get_nodes() of {registry_file} failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(registry, dict):
        _forget_package()
        raise NodeLoadError(
            f"get_nodes() of {registry_file} must return a dict of name -> node instance, "
            f"got {type(registry).__name__}"
        )
    return registry


def load_compat_core() -> types.ModuleType:
    """Import this runtime's ``core`` package (by path, so a ``core`` on ``sys.path`` cannot win).

    Raises:
        NodeLoadError: another module named ``core`` is already imported.
    """
    with _CORE_LOCK:
        return _load_compat_core()


def _load_compat_core() -> types.ModuleType:
    existing = sys.modules.get(_COMPAT)
    if existing is not None:
        if getattr(existing, "BLOK_TS_COMPAT", False):
            return existing
        raise NodeLoadError(
            f"another package named 'core' ({getattr(existing, '__file__', existing)!r}) is already "
            "imported and shadows the bundled Blok compatibility package; remove it from "
            "PYTHONPATH (the bundled runtime provides core.nanoservice, core.types...)"
        )
    core_dir = os.path.join(_RUNTIME_ROOT, _COMPAT)
    spec = importlib.util.spec_from_file_location(
        _COMPAT, os.path.join(core_dir, "__init__.py"), submodule_search_locations=[core_dir]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_COMPAT] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_COMPAT]
        raise
    return module


def _bind_package(package_dir: str) -> None:
    existing = sys.modules.get(_PACKAGE)
    if existing is not None:
        paths = [os.path.abspath(p) for p in getattr(existing, "__path__", [])]
        if paths == [os.path.abspath(package_dir)]:
            return
        raise NodeLoadError(
            f"a module named 'nodes' ({getattr(existing, '__file__', None) or paths}) is already "
            f"imported, so the Blok registry in {package_dir} cannot be imported as 'nodes'"
        )
    init = os.path.join(package_dir, "__init__.py")
    if os.path.isfile(init):
        spec = importlib.util.spec_from_file_location(_PACKAGE, init, submodule_search_locations=[package_dir])
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[_PACKAGE] = package
        spec.loader.exec_module(package)
    else:
        # Blok's nodes/ folder often has no __init__.py: a bare package bound to the folder.
        package = types.ModuleType(_PACKAGE)
        package.__path__ = [package_dir]  # type: ignore[attr-defined]
        package.__package__ = _PACKAGE
        sys.modules[_PACKAGE] = package


def _forget_package() -> None:
    for name in [n for n in sys.modules if n == _PACKAGE or n.startswith(_PACKAGE + ".")]:
        del sys.modules[name]
