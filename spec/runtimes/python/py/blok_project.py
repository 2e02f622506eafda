"""Helpers for tests that load Blok projects: each test binds the ``nodes`` package afresh."""

import os
import sys
import tempfile
import textwrap

FIXTURE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "fixtures", "blok_project"))


def forget_blok_project(root=None):
    """Drop the ``nodes`` package (and a project root added to ``sys.path``) between tests."""
    for name in [n for n in sys.modules if n == "nodes" or n.startswith("nodes.") or n == "helpers" or n.startswith("helpers.")]:
        del sys.modules[name]
    if root is not None and root in sys.path:
        sys.path.remove(root)


class TempProject:
    """A throwaway project folder with files written from dedented source."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory()
        self.root = self._dir.name

    def write(self, relative, source):
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(source))

    def cleanup(self):
        forget_blok_project(self.root)
        self._dir.cleanup()
