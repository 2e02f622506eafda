"""Serving a Blok Python project's ``nodes/nodes.py`` registry as it is."""

import asyncio
import os
import sys
import unittest

from blok_project import FIXTURE, TempProject, forget_blok_project

from blok_runtime.context import Context
from blok_runtime.errors import NodeLoadError, NodeNotFoundError
from blok_runtime.loader import NodeRegistry
from core.types.global_error import GlobalError


# A NanoService that only the compatibility package can import (the tests' Blok cores raise).
COMPAT_NODE = """
from core.nanoservice import NanoService
from core.types.nanoservice_response import NanoServiceResponse
class N(NanoService):
    async def handle(self, ctx, inputs):
        r = NanoServiceResponse()
        r.setSuccess("compat core")
        return r
"""


def call(registry, name, payload):
    async def go():
        node = await registry.get(name)
        ctx = Context(name, payload)
        result = node.handle(ctx, ctx.config)
        return await result if node.is_async else result

    return asyncio.run(go())


class FixtureProject(unittest.TestCase):
    def tearDown(self):
        forget_blok_project(os.path.dirname(FIXTURE))
        forget_blok_project(FIXTURE)

    def test_registry_nodes_run_with_schema_ctx_and_project_imports(self):
        registry = NodeRegistry(FIXTURE)
        result = call(registry, "greet", {"id": "r1", "workflow_name": "wf", "config": {"name": "ada"}, "vars": {"a": 1}})
        self.assertEqual(result["greeting"], "Hello, Ada")  # helpers/text.py beside nodes/
        self.assertEqual((result["id"], result["workflow_name"], result["vars"], result["node"]), ("r1", "wf", {"a": 1}, "greet"))
        self.assertIn("logger", result["attributes"])
        self.assertEqual(result["logs"], ["greeting ada"])

    def test_pointing_at_the_nodes_folder_itself_works_too(self):
        registry = NodeRegistry(os.path.join(FIXTURE, "nodes"))
        self.assertEqual(call(registry, "blok-echo", {"config": {"k": "v"}})["inputs"], {"k": "v"})

    def test_set_error_422_is_raised_with_message_code_and_json(self):
        with self.assertRaises(GlobalError) as caught:
            call(NodeRegistry(FIXTURE), "reject", {"config": {"field": "age"}})
        error = caught.exception
        self.assertEqual((str(error), error.code, error.json), ("age is not acceptable", 422, {"field": "age", "reason": "rejected by policy"}))

    def test_schema_violation_fails_before_handle(self):
        from jsonschema import ValidationError

        with self.assertRaisesRegex(ValidationError, "inputs of node 'greet' do not match its input_schema: name: 3 is not of type 'string'"):
            call(NodeRegistry(FIXTURE), "greet", {"config": {"name": 3}})

    def test_names_outside_the_registry_use_the_file_lookup(self):
        registry = NodeRegistry(FIXTURE)
        self.assertEqual(call(registry, "plain_echo", {"config": {"x": 1}}), {"plain": {"x": 1}})
        with self.assertRaisesRegex(NodeNotFoundError, r"not a name of get_nodes\(\) in .*nodes\.py \(blok-echo, greet, reject\)"):
            asyncio.run(registry.get("nope"))


class BrokenProjects(unittest.TestCase):
    def setUp(self):
        self.project = TempProject()

    def tearDown(self):
        self.project.cleanup()

    def test_a_failed_registry_import_is_explained_and_retried_after_a_fix(self):
        self.project.write("nodes/nodes.py", "from nodes.missing.node import Missing\n")
        registry = NodeRegistry(self.project.root)
        with self.assertRaisesRegex(NodeLoadError, r"importing the Blok node registry .*nodes\.py failed: ModuleNotFoundError"):
            asyncio.run(registry.get("x"))
        self.project.write(
            "nodes/nodes.py",
            """
            def handle(ctx, inputs):
                return "fixed"
            def get_nodes():
                return {"x": handle}
            """,
        )
        self.assertEqual(call(registry, "x", {}), "fixed")

    def test_registry_without_get_nodes_or_returning_a_non_dict(self):
        self.project.write("nodes/nodes.py", "nodes = {}\n")
        with self.assertRaisesRegex(NodeLoadError, r"defines no get_nodes\(\) function"):
            asyncio.run(NodeRegistry(self.project.root).get("x"))
        forget_blok_project(self.project.root)
        self.project.write("nodes/nodes.py", "def get_nodes():\n    return [1]\n")
        with self.assertRaisesRegex(NodeLoadError, r"must return a dict of name -> node instance, got list"):
            asyncio.run(NodeRegistry(self.project.root).get("x"))

    def test_an_entry_that_is_no_node_is_refused(self):
        self.project.write("nodes/nodes.py", "def get_nodes():\n    return {'x': 42}\n")
        with self.assertRaisesRegex(NodeLoadError, "maps 'x' to int, which is neither a node instance"):
            asyncio.run(NodeRegistry(self.project.root).get("x"))

    def test_a_node_whose_process_returns_no_response_is_explained(self):
        self.project.write(
            "nodes/nodes.py",
            """
            from core.node_base import NodeBase
            class Silent(NodeBase):
                async def run(self, ctx):
                    return None
            def get_nodes():
                return {"silent": Silent()}
            """,
        )
        with self.assertRaisesRegex(TypeError, "process\\(\\) of node 'silent' must return a response with data and error, got NoneType"):
            call(NodeRegistry(self.project.root), "silent", {})

    def test_a_project_copy_of_blok_core_does_not_replace_the_compatibility_package(self):
        # Blok's own runtime folder ships core/ beside nodes/: its eval-based mapper must not load.
        self.project.write("core/__init__.py", "raise RuntimeError('Blok core imported')\n")
        self.project.write("nodes/nodes.py", COMPAT_NODE + "\ndef get_nodes():\n    return {'n': N()}\n")
        self.assertEqual(call(NodeRegistry(self.project.root), "n", {}), "compat core")

    def test_a_nanoservice_file_in_a_plain_nodes_directory_is_served(self):
        self.project.write(
            "shout/node.py",
            """
            from core.nanoservice import NanoService
            from core.types.nanoservice_response import NanoServiceResponse
            class Base(NanoService):
                pass
            class Shout(Base):
                async def handle(self, ctx, inputs):
                    r = NanoServiceResponse()
                    r.setSuccess(inputs["text"].upper())
                    return r
            """,
        )
        self.assertEqual(call(NodeRegistry(self.project.root), "shout", {"config": {"text": "hey"}}), "HEY")

    def test_a_global_error_raised_from_handle_fails_like_set_error(self):
        self.project.write(
            "raiser/node.py",
            """
            from core.nanoservice import NanoService
            from core.types.global_error import GlobalError
            class Raiser(NanoService):
                async def handle(self, ctx, inputs):
                    error = GlobalError("conflict")
                    error.setCode(409)
                    error.setJson({"id": 1})
                    raise error
            """,
        )
        with self.assertRaises(GlobalError) as caught:
            call(NodeRegistry(self.project.root), "raiser", {})
        self.assertEqual((str(caught.exception), caught.exception.code, caught.exception.json), ("conflict", 409, {"id": 1}))

    def test_a_core_in_the_working_directory_does_not_shadow_the_compatibility_package(self):
        self.project.write("core/__init__.py", "raise RuntimeError('Blok core imported')\n")
        self.project.write("n/node.py", COMPAT_NODE)
        # As in a fresh runtime process: no `core` imported yet, the working directory first on
        # sys.path (what `python -m` does).
        saved = {name: module for name, module in sys.modules.items() if name == "core" or name.startswith("core.")}
        for name in saved:
            del sys.modules[name]

        def restore():
            for name in [n for n in sys.modules if n == "core" or n.startswith("core.")]:
                del sys.modules[name]
            sys.modules.update(saved)
            if self.project.root in sys.path:
                sys.path.remove(self.project.root)

        self.addCleanup(restore)
        sys.path.insert(0, self.project.root)
        self.assertEqual(call(NodeRegistry(self.project.root), "n", {}), "compat core")


if __name__ == "__main__":
    unittest.main()
