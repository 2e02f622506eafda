"""The benchmark's baseline: a minimal grpc.aio server (gRPC-core defaults, as Blok's released
server) registering ExecuteNode under ONE service name, answering every call with the request's
Message, untouched. No base64/JSON work, no node lookup, no thread pool, no metadata: what
remains is gRPC itself, in the same Python, with the same codec.

Run: PYTHONPATH=<repo>/python python3 bare_echo_server.py [service]
(default service nanoservice.workflow.v1.NodeService; prints the READY line, stops on stdin EOF)
"""

import asyncio
import os
import sys
import threading

import grpc

from blok_runtime.wire import NodeResponse, decode_request, encode_response


async def execute_node(request, context):
    return NodeResponse(request.message, request.encoding, request.type)


async def main():
    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                sys.argv[1] if len(sys.argv) > 1 else "nanoservice.workflow.v1.NodeService",
                {
                    "ExecuteNode": grpc.unary_unary_rpc_method_handler(
                        execute_node,
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
