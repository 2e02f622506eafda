"""The hand-written codec against real protobuf code generated from python/proto/node.proto."""

import importlib
import os
import sys
import tempfile
import unittest

from blok_runtime.wire import NodeResponse, decode_request, encode_response

PROTO_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "python", "proto")


def generated_module():
    from grpc_tools import protoc

    with tempfile.TemporaryDirectory(prefix="blok-pb2-") as out:
        code = protoc.main(
            ["protoc", f"-I{os.path.abspath(PROTO_DIR)}", f"--python_out={out}", "node.proto"]
        )
        if code != 0:
            raise RuntimeError(f"protoc failed with {code}")
        sys.path.insert(0, out)
        try:
            return importlib.import_module("node_pb2")
        finally:
            sys.path.remove(out)


try:
    pb2 = generated_module()
    SKIP = None
except ImportError as exc:  # python3-grpc-tools / python3-protobuf missing
    pb2 = None
    SKIP = f"protobuf code generation unavailable: {exc}"


@unittest.skipIf(pb2 is None, SKIP)
class WireCodecMatchesProtobuf(unittest.TestCase):
    def test_decode_request_reads_what_protobuf_writes(self):
        for fields in (
            dict(Name="text_stats", Message="eyJhIjoxfQ==", Encoding="BASE64", Type="JSON"),
            dict(Name="ünïcode-节点", Message="x" * 70_000, Encoding="", Type="TEXT"),
            dict(),
        ):
            raw = pb2.NodeRequest(**fields).SerializeToString()
            decoded = decode_request(raw)
            self.assertEqual(decoded.name, fields.get("Name", ""))
            self.assertEqual(decoded.message, fields.get("Message", ""))
            self.assertEqual(decoded.encoding, fields.get("Encoding", ""))
            self.assertEqual(decoded.type, fields.get("Type", ""))

    def test_encode_response_is_byte_identical_to_protobuf(self):
        for fields in (
            dict(message="eyJvayI6dHJ1ZX0=", encoding="BASE64", type="JSON"),
            dict(message="é" * 200, encoding="STRING", type="TEXT"),
            dict(message="", encoding="BASE64", type="JSON"),
        ):
            ours = encode_response(NodeResponse(**fields))
            theirs = pb2.NodeResponse(
                Message=fields["message"], Encoding=fields["encoding"], Type=fields["type"]
            ).SerializeToString()
            self.assertEqual(ours, theirs)

    def test_unknown_fields_are_skipped(self):
        # A NodeResponse parsed as NodeRequest has fields 1-3 only; then append unknown fields
        # of every wire type: varint (field 9), fixed64 (10), bytes (11), fixed32 (12).
        raw = pb2.NodeRequest(Name="n", Type="JSON").SerializeToString()
        raw += bytes([9 << 3 | 0, 0x96, 0x01])
        raw += bytes([10 << 3 | 1]) + b"\x00" * 8
        raw += bytes([11 << 3 | 2, 2]) + b"hi"
        raw += bytes([12 << 3 | 5]) + b"\x00" * 4
        decoded = decode_request(raw)
        self.assertEqual((decoded.name, decoded.type), ("n", "JSON"))


class WireCodecRejectsGarbage(unittest.TestCase):
    def test_truncated_input_raises_value_error(self):
        for raw in (b"\x0a\x05ab", b"\x0a", b"\x80", bytes([10 << 3 | 1, 0])):
            with self.assertRaises(ValueError):
                decode_request(raw)


if __name__ == "__main__":
    unittest.main()
