"""The context a node receives: every Blok attribute, a plain attribute object, a logger."""

import base64
import contextlib
import io
import json
import unittest

from blok_runtime.context import Context

BLOK_ATTRIBUTES = {
    "id", "workflow_name", "workflow_path", "request", "response", "error", "logger",
    "config", "func", "vars", "env", "eventLogger", "_PRIVATE_",
}


class ContextTest(unittest.TestCase):
    def test_carries_every_blok_attribute_and_vars_works(self):
        ctx = Context(
            "greet",
            {
                "id": "req-1",
                "workflow_name": "wf",
                "workflow_path": "wf-path",
                "request": {"body": {"a": 1}},
                "response": {"data": "prev"},
                "error": {"message": []},
                "config": {"x": 1},
                "vars": {"step": {"v": 2}},
                "env": {"HOME": "/root"},
            },
        )
        attributes = vars(ctx)
        self.assertTrue(BLOK_ATTRIBUTES <= set(attributes), BLOK_ATTRIBUTES - set(attributes))
        self.assertEqual(
            {k: attributes[k] for k in ("id", "workflow_name", "workflow_path", "request", "response", "error", "config", "func", "vars", "env")},
            {
                "id": "req-1", "workflow_name": "wf", "workflow_path": "wf-path", "request": {"body": {"a": 1}},
                "response": {"data": "prev"}, "error": {"message": []}, "config": {"x": 1}, "func": {},
                "vars": {"step": {"v": 2}}, "env": {"HOME": "/root"},
            },
        )
        ctx.extra = "nodes may add attributes"
        self.assertEqual(vars(ctx)["extra"], "nodes may add attributes")

    def test_defaults_when_nothing_was_sent(self):
        ctx = Context()
        self.assertEqual(
            (ctx.id, ctx.workflow_name, ctx.workflow_path, ctx.request, ctx.response, ctx.error, ctx.config, ctx.func, ctx.vars, ctx.env, ctx.eventLogger, ctx._PRIVATE_),
            ("", "", "", {}, {}, {}, {}, {}, {}, {}, None, None),
        )
        # Wrong types on the wire fall back to the defaults instead of failing later.
        odd = Context("n", {"id": 7, "request": "text", "vars": None})
        self.assertEqual((odd.id, odd.request, odd.vars), ("", {}, {}))

    def test_logger_has_blok_methods_and_writes_json_lines_to_stderr(self):
        ctx = Context("greet", {"id": "r1", "workflow_name": "wf"})
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            ctx.logger.log("hello")
            ctx.logger.logLevel("warn", "careful")
            ctx.logger.error("bad", "stack text")
        lines = [json.loads(line) for line in stderr.getvalue().splitlines()]
        self.assertEqual(lines[0], {"level": "info", "message": "hello", "workflow_name": "wf", "request_id": "r1", "node": "greet"})
        self.assertEqual((lines[1]["level"], lines[2]["level"], lines[2]["stack"]), ("warn", "error", "stack text"))
        self.assertEqual(ctx.logger.getLogs(), ["hello", "careful", "bad"])
        self.assertEqual(ctx.logger.getLogsAsText(), "hello\ncareful\nbad")
        self.assertEqual(base64.b64decode(ctx.logger.getLogsAsBase64()).decode(), "hello\ncareful\nbad")

    def test_console_log_active_false_silences_output_but_keeps_entries(self):
        ctx = Context("n", {"env": {"CONSOLE_LOG_ACTIVE": "false"}})
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            ctx.logger.log("quiet")
        self.assertEqual((stderr.getvalue(), ctx.logger.getLogs()), ("", ["quiet"]))


if __name__ == "__main__":
    unittest.main()
