"""The benchmark's baseline: a minimal grpc.aio server (gRPC-core defaults, as Blok's released
server) registering ExecuteNode under ONE service name, answering every call with the request's
Message, untouched. No base64/JSON work, no node lookup, no thread pool, no metadata: what
remains is gRPC itself, in the same Python, with the same codec.

With ``--wait`` it instead awaits the context's ``config.ms`` milliseconds and answers
``{"waited": ms}``: the tests' stand-in for Blok's stock server running a long node.

Run: PYTHONPATH=<repo>/python python3 bare_echo_server.py [service] [--wait]
(default service nanoservice.workflow.v1.NodeService; prints the READY line, stops on stdin EOF)
"""

import asyncio
import base64
import json
import os
import sys
import threading

import grpc

from blok_runtime.wire import NodeResponse, decode_request, encode_response


async def echo(request, context):
    return NodeResponse(request.message, request.encoding, request.type)


async def wait(request, context):
    config = json.loads(base64.b64decode(request.message)).get("config") or {}
    await asyncio.sleep(config.get("ms", 0) / 1000)
    reply = base64.b64encode(json.dumps({"waited": config.get("ms", 0)}).encode()).decode()
    return NodeResponse(reply, "BASE64", "JSON")


async def main():
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    service = args[0] if args else "nanoservice.workflow.v1.NodeService"
    handler = wait if "--wait" in sys.argv else echo
    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                service,
                {
                    "ExecuteNode": grpc.unary_unary_rpc_method_handler(
                        handler,
                        request_deserializer=decode_request,
                        response_serializer=encode_response,
                    )
                },
            ),
        )
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(f"BLOK_PYTHON_RUNTIME_READY {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def watch_stdin():
        while os.read(sys.stdin.fileno(), 65536):
            pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    await stop.wait()
    await server.stop(0)


asyncio.run(main())
