"""Message/Encoding/Type decoding and reply encoding."""

import base64
import json
import unittest

from blok_runtime.envelope import MessageDecodeError, decode_message, encode_json_reply


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class DecodeMessage(unittest.TestCase):
    def test_base64_json_as_blok_sends_it(self):
        self.assertEqual(decode_message(b64('{"a": [1, "é"]}'), "BASE64", "JSON"), {"a": [1, "é"]})

    def test_string_encoding_and_text_types(self):
        self.assertEqual(decode_message('{"a":1}', "STRING", "JSON"), {"a": 1})
        self.assertEqual(decode_message("<p>hi</p>", "STRING", "HTML"), "<p>hi</p>")
        self.assertEqual(decode_message(b64("plain"), "base64", "text"), "plain")
        self.assertEqual(decode_message(b64("\x00\x01"), "BASE64", "BINARY"), b"\x00\x01")

    def test_empty_fields_default_to_base64_json(self):
        self.assertEqual(decode_message(b64("[1]"), "", ""), [1])

    def test_errors_say_what_is_wrong(self):
        cases = [
            (("%%%", "BASE64", "JSON"), "not valid base64"),
            ((b64("{nope"), "BASE64", "JSON"), "not valid JSON"),
            (("x", "HEX", "JSON"), "unsupported Encoding 'HEX'"),
            (("x", "STRING", "YAML"), "unsupported Type 'YAML'"),
        ]
        for args, message in cases:
            with self.assertRaisesRegex(MessageDecodeError, message):
                decode_message(*args)


class EncodeReply(unittest.TestCase):
    def test_reply_is_base64_json(self):
        reply = encode_json_reply({"ok": "é"})
        self.assertEqual((reply.encoding, reply.type), ("BASE64", "JSON"))
        self.assertEqual(json.loads(base64.b64decode(reply.message)), {"ok": "é"})

    def test_nan_is_refused_because_javascript_cannot_parse_it(self):
        with self.assertRaises(ValueError):
            encode_json_reply({"x": float("nan")})


if __name__ == "__main__":
    unittest.main()
