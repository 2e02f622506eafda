"""The ``NodeService/ExecuteNode`` handler, served under both of Blok's service names.

Released Blok (``@nanoservice-ts/runner``, its main branch) calls ``nanoservice.workflow.v1``;
its unreleased line calls ``blok.workflow.v1``. The messages are identical, so one handler
serves both names and either client works unchanged.

Failures are answered in-band, as Blok's own Python runtime does, so stock Blok clients still
receive ``{"error": ..., "stack": ...}`` as data. This runtime adds ``"type"`` (the exception
class name) and, for :class:`~blok_runtime.errors.NodeError`, ``"code"``/``"json"``. It also sends
trailing metadata so a client can tell a failure from data that merely looks like one:

* ``blok-runtime``: present on every reply of this runtime;
* ``blok-node-error``: present only on failures, holding the exception class name;
* ``blok-node-ms``: time spent decoding, loading and running the node, in milliseconds.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from typing import Any, Dict, Tuple

import grpc

from .context import Context
from .envelope import MessageDecodeError, decode_message, encode_json_reply
from .errors import NodeError, NodeResultError
from .invoke import Invoker
from .loader import NodeRegistry
from .wire import NodeRequest, NodeResponse, decode_request, encode_response

RELEASED_SERVICE_NAME = "nanoservice.workflow.v1.NodeService"
BLOK_SERVICE_NAME = "blok.workflow.v1.NodeService"
SERVICE_NAMES = (RELEASED_SERVICE_NAME, BLOK_SERVICE_NAME)
# The launcher's health probe: answered at once from the event loop, loading nothing, so an
# answer proves the loop turns and a missing one that something blocks it.
HEALTH_PROBE_NODE = "__blok_health__"
RUNTIME_KEY = "blok-runtime"
RUNTIME_VALUE = "blok-ts-python/1"
ERROR_KEY = "blok-node-error"
NODE_MS_KEY = "blok-node-ms"


class NodeService:
    """Decodes a request, runs the named node, and encodes its result or its failure."""

    def __init__(self, registry: NodeRegistry, invoker: Invoker) -> None:
        self._registry = registry
        self._invoker = invoker

    async def execute_node(self, request: NodeRequest, context: grpc.aio.ServicerContext) -> NodeResponse:
        started = time.perf_counter()
        metadata: Tuple[Tuple[str, str], ...] = ((RUNTIME_KEY, RUNTIME_VALUE),)
        if request.name == HEALTH_PROBE_NODE:
            context.set_trailing_metadata(metadata)
            return encode_json_reply({"ok": True})
        try:
            reply = await self._run(request)
        except asyncio.CancelledError:
            # The call is gone (client cancel, deadline, shutdown): nobody is waiting for a reply.
            raise
        except BaseException as exc:  # noqa: BLE001 - every node failure must become a reply
            reply = encode_json_reply(_error_payload(exc), default=repr)
            metadata += ((ERROR_KEY, type(exc).__name__),)
        elapsed_ms = (time.perf_counter() - started) * 1000
        context.set_trailing_metadata(metadata + ((NODE_MS_KEY, f"{elapsed_ms:.3f}"),))
        return reply

    async def _run(self, request: NodeRequest) -> NodeResponse:
        payload = decode_message(request.message, request.encoding, request.type)
        if not isinstance(payload, dict):
            raise MessageDecodeError(
                f"the context sent to node {request.name!r} must be a JSON object, "
                f"got {type(payload).__name__}"
            )
        node = await self._registry.get(request.name)
        ctx = Context(request.name, payload)
        inputs = ctx.config if ctx.config is not None else {}
        result = await self._invoker.run(node, ctx, inputs)
        try:
            return encode_json_reply(result)
        except (TypeError, ValueError) as exc:
            raise NodeResultError(
                f"node {request.name!r} returned data that cannot be sent as JSON: {exc}"
            ) from exc


def generic_handlers(service: NodeService) -> Tuple[grpc.GenericRpcHandler, ...]:
    """The gRPC handlers for ``ExecuteNode`` under both service names (hand-written codec)."""
    return tuple(
        grpc.method_handlers_generic_handler(
            name,
            {
                "ExecuteNode": grpc.unary_unary_rpc_method_handler(
                    service.execute_node,
                    request_deserializer=decode_request,
                    response_serializer=encode_response,
                )
            },
        )
        for name in SERVICE_NAMES
    )


def _error_payload(exc: BaseException) -> Dict[str, Any]:
    payload: Dict[str, Any] = {
        "error": str(exc) or type(exc).__name__,
        "stack": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        "type": type(exc).__name__,
    }
    if isinstance(exc, NodeError):
        if exc.code is not None:
            payload["code"] = exc.code
        if exc.json is not None:
            payload["json"] = _jsonable(exc.json)
    return payload


def _jsonable(value: Any) -> Any:
    # Reporting a failure must never fail: structured error bodies JSON cannot carry (NaN,
    # cycles) are sent as their repr instead.
    try:
        encode_json_reply(value, default=repr)
        return value
    except (TypeError, ValueError):
        return repr(value)
