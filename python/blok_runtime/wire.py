"""Protobuf wire codec for the two messages of ``proto/node.proto``.

Both messages hold only proto3 ``string`` fields, so their encoding is a handful of
length-delimited records. Encoding them by hand means the runtime needs ``grpcio`` only: no
generated ``*_pb2`` module and no ``google.protobuf`` runtime whose version must match the
generator that produced that module (the classic "Descriptors cannot be created directly" /
gencode-vs-runtime skew). ``spec/runtimes/python/py/test_wire.py`` checks this codec byte for byte against
the real protobuf implementation generated from the same ``.proto`` file.
"""

from __future__ import annotations

from typing import Dict, NamedTuple

# Field numbers from proto/node.proto.
_REQUEST_FIELDS = {1: "name", 2: "message", 3: "encoding", 4: "type"}

_WIRE_VARINT = 0
_WIRE_FIXED64 = 1
_WIRE_LEN = 2
_WIRE_FIXED32 = 5


class NodeRequest(NamedTuple):
    """``NodeRequest`` (same in ``nanoservice.workflow.v1`` and ``blok.workflow.v1``): which node to run and its encoded context."""

    name: str = ""
    message: str = ""
    encoding: str = ""
    type: str = ""


class NodeResponse(NamedTuple):
    """``NodeResponse``: the node's encoded result."""

    message: str = ""
    encoding: str = ""
    type: str = ""


def decode_request(data: bytes) -> NodeRequest:
    """Parse a serialized ``NodeRequest``; unknown fields are skipped as protobuf requires."""
    return NodeRequest(**_decode_strings(data, _REQUEST_FIELDS))


def encode_response(response: NodeResponse) -> bytes:
    """Serialize a ``NodeResponse`` (empty strings are omitted, as proto3 does)."""
    return _encode_strings(((1, response.message), (2, response.encoding), (3, response.type)))



def _encode_strings(fields) -> bytes:
    out = bytearray()
    for number, value in fields:
        if not value:
            continue
        raw = value.encode("utf-8")
        _write_varint(out, (number << 3) | _WIRE_LEN)
        _write_varint(out, len(raw))
        out += raw
    return bytes(out)


def _decode_strings(data: bytes, names: Dict[int, str]) -> Dict[str, str]:
    values: Dict[str, str] = {}
    pos = 0
    end = len(data)
    while pos < end:
        key, pos = _read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == _WIRE_LEN:
            length, pos = _read_varint(data, pos)
            if pos + length > end:
                raise ValueError("truncated length-delimited field")
            if number in names:
                # A repeated occurrence of a singular field overwrites the earlier one.
                values[names[number]] = data[pos : pos + length].decode("utf-8")
            pos += length
        elif wire_type == _WIRE_VARINT:
            _, pos = _read_varint(data, pos)
        elif wire_type == _WIRE_FIXED64:
            pos += 8
        elif wire_type == _WIRE_FIXED32:
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire_type}")
    if pos != end:
        raise ValueError("truncated fixed-width field")
    return values


def _write_varint(out: bytearray, value: int) -> None:
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _read_varint(data: bytes, pos: int):
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise ValueError("varint too long")
