"""Node discovery and handler resolution."""

import asyncio
import os
import tempfile
import textwrap
import unittest

from blok_runtime.errors import NodeLoadError, NodeNotFoundError
from blok_runtime.loader import NodeRegistry


class Loader(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.registry = NodeRegistry(self.dir.name)

    def tearDown(self):
        self.dir.cleanup()

    def write(self, relative, source):
        path = os.path.join(self.dir.name, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(source))

    def load(self, name):
        return asyncio.run(self.registry.get(name))

    def test_flat_file_wins_over_package_layout(self):
        self.write("twin.py", "def handle(ctx, inputs): return 'flat'\n")
        self.write("twin/node.py", "def handle(ctx, inputs): return 'package'\n")
        node = self.load("twin")
        self.assertEqual(node.handle(None, None), "flat")
        self.assertFalse(node.is_async)

    def test_async_class_node_is_detected(self):
        self.write(
            "a/node.py",
            """
            from blok_runtime import Node
            class A(Node):
                async def handle(self, ctx, inputs):
                    return 1
            """,
        )
        self.assertTrue(self.load("a").is_async)

    def test_path_traversal_names_are_refused(self):
        for name in ("../etc/passwd", ".hidden", "a/b", "a..b", ""):
            with self.assertRaisesRegex(NodeNotFoundError, "invalid node name"):
                self.load(name)

    def test_missing_handler_and_ambiguous_classes_are_explained(self):
        self.write("empty.py", "X = 1\n")
        with self.assertRaisesRegex(NodeLoadError, "neither a module-level handle"):
            self.load("empty")
        self.write(
            "two.py",
            """
            from blok_runtime import Node
            class A(Node):
                def handle(self, ctx, inputs): return 1
            class B(Node):
                def handle(self, ctx, inputs): return 2
            """,
        )
        with self.assertRaisesRegex(NodeLoadError, r"several Node subclasses \(A, B\)"):
            self.load("two")
        self.write("lazy.py", "from blok_runtime import Node\nclass L(Node):\n    pass\n")
        with self.assertRaisesRegex(NodeLoadError, "does not override handle"):
            self.load("lazy")

    def test_failed_import_is_retried_after_a_fix(self):
        self.write("fixme.py", "raise RuntimeError('not yet')\n")
        with self.assertRaisesRegex(NodeLoadError, "not yet"):
            self.load("fixme")
        self.write("fixme.py", "def handle(ctx, inputs): return 'fixed'\n")
        self.assertEqual(self.load("fixme").handle(None, None), "fixed")


if __name__ == "__main__":
    unittest.main()
