"""The ``Message``/``Encoding``/``Type`` envelope carried inside NodeRequest and NodeResponse.

Blok's TypeScript client always sends ``Encoding="BASE64"``, ``Type="JSON"``; Blok's own Python
server also accepts ``STRING`` and the other types, so this module does too. Replies are always
base64 JSON, which is what every Blok client decodes.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Callable, Optional

from .wire import NodeResponse


class MessageDecodeError(ValueError):
    """The request's ``Message`` could not be decoded with its ``Encoding``/``Type``."""


def decode_message(message: str, encoding: str, type_: str) -> Any:
    """Decode a request payload: bytes for ``BINARY``, a string for TEXT/HTML/XML, JSON otherwise."""
    encoding = (encoding or "BASE64").upper()
    type_ = (type_ or "JSON").upper()
    if encoding == "BASE64":
        try:
            raw = base64.b64decode(message, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MessageDecodeError(f"Message is not valid base64: {exc}") from exc
    elif encoding == "STRING":
        raw = message.encode("utf-8")
    else:
        raise MessageDecodeError(f"unsupported Encoding {encoding!r} (expected BASE64 or STRING)")

    if type_ == "BINARY":
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MessageDecodeError(f"Message is not UTF-8 text: {exc}") from exc
    if type_ in ("TEXT", "HTML", "XML"):
        return text
    if type_ != "JSON":
        raise MessageDecodeError(
            f"unsupported Type {type_!r} (expected JSON, TEXT, HTML, XML or BINARY)"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MessageDecodeError(f"Message is not valid JSON: {exc}") from exc


def encode_json_reply(value: Any, default: Optional[Callable[[Any], Any]] = None) -> NodeResponse:
    """Encode ``value`` as the base64 JSON reply every Blok client understands.

    ``default`` converts values JSON cannot represent; error replies pass ``repr`` so that
    reporting a failure can never fail itself.

    ``allow_nan=False`` because JavaScript's ``JSON.parse`` rejects ``NaN``/``Infinity``: better a
    clear error here than an undecodable reply on the client.
    """
    text = json.dumps(
        value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=default
    )
    return NodeResponse(
        message=base64.b64encode(text.encode("utf-8")).decode("ascii"),
        encoding="BASE64",
        type="JSON",
    )
