"""The Blok compatibility package ``core``: import paths, GlobalError, responses, NanoService."""

import asyncio
import json
import unittest

from core.nanoservice import NanoService
from core.node_base import ExpressionsDisabledError, NodeBase
from core.types.context import Context
from core.types.global_error import GlobalError, global_error_from
from core.types.nanoservice_response import NanoServiceResponse
from core.types.response import ResponseContext
from jsonschema import ValidationError

import blok_runtime
from blok_runtime.errors import NodeError


class Greeter(NanoService):
    def __init__(self):
        NanoService.__init__(self)
        self.input_schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"name": {"type": "string"}, "n": {"type": "integer"}},
            "required": ["name"],
        }
        self.output_schema = {"type": "object", "required": ["greeting"]}

    async def handle(self, ctx, inputs):
        response = NanoServiceResponse()
        if inputs.get("fail"):
            error = GlobalError("no greeting today")
            error.setCode(422)
            error.setJson({"field": "name"})
            response.setError(error)
        elif inputs.get("bad_output"):
            response.setSuccess({"other": 1})
        else:
            inputs["name"] = "mutated"  # handle gets a copy: ctx.config must not change
            response.setSuccess({"greeting": "hi"})
        return response


def run(node, config):
    ctx = Context("greeter", {"config": config})
    return ctx, asyncio.run(node.process(ctx))


class GlobalErrorTest(unittest.TestCase):
    def test_setters_fill_context_and_to_dict_returns_it(self):
        error = GlobalError("quota exceeded")
        self.assertEqual(error.to_dict(), {"message": "quota exceeded"})
        self.assertEqual(error.code, 500)
        self.assertFalse(error.hasJson())
        error.setCode(429)
        error.setJson({"retry_after": 30})
        error.setName("limiter")
        error.setStack("trace")
        self.assertIs(error.to_dict(), error.context)
        self.assertEqual(
            error.context,
            {"message": "quota exceeded", "code": 429, "json": {"retry_after": 30}, "name": "limiter", "stack": "trace"},
        )
        self.assertTrue(error.hasJson())
        self.assertEqual((error.code, error.json), (429, {"retry_after": 30}))

    def test_is_a_node_error_whose_text_stays_the_message(self):
        error = GlobalError(ValueError("boom"))  # Blok nodes wrap exceptions like this
        error.setJson({"a": 1})
        self.assertIsInstance(error, NodeError)
        self.assertEqual((str(error), error.message), ("boom", "boom"))

    def test_rebuilt_from_a_response_error_dict(self):
        rebuilt = global_error_from({"message": "m", "code": 422, "json": {"k": [1]}, "name": "n"})
        self.assertEqual((str(rebuilt), rebuilt.code, rebuilt.json, rebuilt.context["name"]), ("m", 422, {"k": [1]}, "n"))
        self.assertEqual(global_error_from({"message": "m", "code": "x"}).code, 500)
        self.assertEqual(str(global_error_from("plain text")), "plain text")


class ResponseTest(unittest.TestCase):
    def test_set_success_and_set_error(self):
        response = NanoServiceResponse()
        self.assertEqual((response.data, response.error, response.success, response.contentType, response.steps), ({}, None, True, "application/json", []))
        response.setSuccess([1, 2])
        self.assertEqual(response.to_dict(), {"data": [1, 2], "error": None, "success": True, "contentType": "application/json"})
        error = GlobalError("x")
        response.setError(error)
        self.assertEqual((response.data, response.error, response.success), ({}, error, False))
        self.assertEqual(response.to_dict()["error"], {"message": "x"})
        self.assertIsInstance(response, ResponseContext)


class NanoServiceTest(unittest.TestCase):
    def test_valid_inputs_reach_handle_as_a_copy(self):
        ctx, response = run(Greeter(), {"name": "ada"})
        self.assertEqual((response.success, response.data, response.error), (True, {"greeting": "hi"}, None))
        self.assertEqual(ctx.config, {"name": "ada"})
        self.assertIs(ctx.response, response)

    def test_invalid_inputs_fail_before_handle_listing_every_problem(self):
        with self.assertRaises(ValidationError) as caught:
            run(Greeter(), {"n": "two"})
        message = str(caught.exception)
        self.assertIn("inputs of node 'Greeter' do not match its input_schema", message)
        self.assertIn("(root): 'name' is a required property", message)
        self.assertIn("n: 'two' is not of type 'integer'", message)

    def test_set_error_becomes_the_error_dict(self):
        _, response = run(Greeter(), {"name": "ada", "fail": True})
        self.assertFalse(response.success)
        self.assertEqual(response.error, {"message": "no greeting today", "code": 422, "json": {"field": "name"}})

    def test_successful_output_is_checked_against_output_schema(self):
        with self.assertRaisesRegex(ValidationError, "output of node 'Greeter' do not match its output_schema"):
            run(Greeter(), {"name": "ada", "bad_output": True})

    def test_handle_must_return_a_response(self):
        class Wrong(NanoService):
            async def handle(self, ctx, inputs):
                return {"not": "a response"}

        with self.assertRaisesRegex(TypeError, "must return a NanoServiceResponse, got dict"):
            run(Wrong(), {})

    def test_a_schema_replaced_after_a_call_is_the_one_checked(self):
        node = Greeter()
        run(node, {"name": "ada"})
        node.setSchemas({"type": "object", "required": ["surname"]}, {})
        with self.assertRaisesRegex(ValidationError, "'surname' is a required property"):
            run(node, {"name": "ada"})

    def test_schemas_accessors_and_empty_schemas_accept_anything(self):
        node = Greeter()
        node.setSchemas({}, {})
        self.assertEqual(node.getSchemas(), {"input": {}, "output": {}})
        _, response = run(node, {"anything": True})
        self.assertEqual(response.data, {"greeting": "hi"})


class NodeBaseTest(unittest.TestCase):
    def test_fields_vars_and_set_error_follow_blok(self):
        node = Greeter()
        node.name = "greeter"
        self.assertEqual(
            {k: getattr(node, k) for k in ("flow", "name", "node", "contentType", "active", "stop", "originalConfig", "set_var")},
            {"flow": False, "name": "greeter", "node": "", "contentType": "", "active": True, "stop": False, "originalConfig": {}, "set_var": False},
        )
        ctx = Context()
        node.setVar(ctx, {"a": 1})
        self.assertEqual((ctx.vars, node.getVar(ctx, "a"), node.getVar(ctx, "b")), ({"a": 1}, 1, None))
        self.assertEqual(node.setError("plain").context, {"message": "plain", "name": "greeter"})
        self.assertEqual(node.setError({"message": "only"}).context, {"message": "only", "name": "greeter"})
        rich = node.setError({"detail": "x", "code": 409, "stack": "s"})
        self.assertEqual(json.loads(rich.message), {"detail": "x", "code": 409, "stack": "s"})
        self.assertEqual((rich.code, rich.json["detail"], rich.context["stack"]), (409, "x", "s"))
        self.assertEqual(node.setError({"message": "m", "code": "bad"}).code, 500)

    def test_blueprint_mapper_is_identity_and_run_js_is_refused(self):
        node = Greeter()
        value = {"a": "${ctx.id}", "b": "js/ctx.vars"}
        self.assertIs(node.blueprintMapper(value, Context()), value)
        self.assertEqual(value, {"a": "${ctx.id}", "b": "js/ctx.vars"})
        with self.assertRaisesRegex(ExpressionsDisabledError, "never evaluates text as code"):
            node.runJs("1 + 1", Context())

    def test_import_paths_are_blok_released_ones(self):
        self.assertIs(Context, blok_runtime.Context)
        self.assertTrue(issubclass(NanoService, NodeBase))


if __name__ == "__main__":
    unittest.main()
