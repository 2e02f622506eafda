"""Whatever arrives over the wire is data: nothing in the runtime or ``core`` evaluates it.

Blok's released Python ``NanoService`` maps a node's inputs a second time, substituting
``${...}`` and running ``js/...`` with Python ``eval``. Here hostile strings sent in the inputs,
the request, ``vars`` and even as keys must reach the node verbatim, and a canary file that any
evaluation would create must never appear.
"""

import asyncio
import base64
import json
import os
import tempfile
import unittest

from blok_project import FIXTURE, TempProject, forget_blok_project

from blok_runtime.invoke import Invoker
from blok_runtime.loader import NodeRegistry
from blok_runtime.service import NodeService
from blok_runtime.wire import NodeRequest


def hostile_strings(canary):
    touch = f"__import__('pathlib').Path({canary!r}).touch()"
    return [
        "${" + touch + "}",
        "js/" + touch,
        touch,
        "prefix ${" + touch + "} suffix",
        "js/${" + touch + "}",
        "${ctx.request['body']}",
        "${__import__('os')._exit(3)}",
        "js/__import__('os')._exit(4)",
        "${${nested}}",
        "{{7*7}}",
        "js/" + "x" * 100_000,
    ]


class FakeServicerContext:
    def __init__(self):
        self.trailing = ()

    def set_trailing_metadata(self, metadata):
        self.trailing = metadata


def execute(nodes_dir, name, payload):
    async def go():
        service = NodeService(NodeRegistry(nodes_dir), Invoker(2))
        request = NodeRequest(
            name=name,
            message=base64.b64encode(json.dumps(payload).encode()).decode(),
            encoding="BASE64",
            type="JSON",
        )
        context = FakeServicerContext()
        reply = await service.execute_node(request, context)
        return json.loads(base64.b64decode(reply.message)), dict(context.trailing)

    return asyncio.run(go())


class NeverEvaluated(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.canary = os.path.join(self.scratch.name, "canary")
        self.hostile = hostile_strings(self.canary)

    def tearDown(self):
        forget_blok_project(os.path.dirname(FIXTURE))
        self.scratch.cleanup()

    def payload(self):
        values = {f"v{i}": text for i, text in enumerate(self.hostile)}
        return {
            "config": {**values, "list": list(self.hostile), "nested": {"deep": {"x": self.hostile[0]}}, self.hostile[1]: "key"},
            "request": {"body": values, "query": {"q": self.hostile[0]}, "headers": {"h": self.hostile[1]}},
            "vars": {"step": values},
            "response": {"data": self.hostile[0]},
            "id": self.hostile[0],
            "workflow_name": self.hostile[1],
        }

    def test_a_blok_nanoservice_receives_hostile_strings_verbatim(self):
        payload = self.payload()
        data, metadata = execute(FIXTURE, "blok-echo", payload)
        self.assertNotIn("blok-node-error", metadata, data)
        self.assertEqual(data, {"inputs": payload["config"], "body": payload["request"]["body"], "vars": payload["vars"]})
        self.assertFalse(os.path.exists(self.canary), "a hostile string was evaluated")

    def test_blok_mapper_hooks_do_nothing_in_a_node_that_calls_them(self):
        project = TempProject()
        self.addCleanup(project.cleanup)
        # A node that calls Blok's mapper itself, as Blok's NodeBase.process does.
        project.write(
            "mapping/node.py",
            """
            from core.nanoservice import NanoService
            from core.types.nanoservice_response import NanoServiceResponse
            class Mapping(NanoService):
                async def handle(self, ctx, inputs):
                    r = NanoServiceResponse()
                    r.setSuccess(self.blueprintMapper(inputs, ctx, ctx.request.get("body")))
                    return r
            """,
        )
        payload = self.payload()
        data, metadata = execute(project.root, "mapping", payload)
        self.assertNotIn("blok-node-error", metadata, data)
        self.assertEqual(data, payload["config"])
        self.assertFalse(os.path.exists(self.canary), "a hostile string was evaluated")


if __name__ == "__main__":
    unittest.main()
