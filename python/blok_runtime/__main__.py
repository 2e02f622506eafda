"""``python -m blok_runtime --nodes <dir> [--host H] [--port P]``: run the node server."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import List, Optional

from .invoke import Invoker
from .server import BindError, ServerOptions, serve

THREAD_DRAIN_SECONDS = 1.0


def parse_args(argv: Optional[List[str]] = None) -> ServerOptions:
    parser = argparse.ArgumentParser(
        prog="python -m blok_runtime",
        description=(
            "Serve Python nodes over Blok's gRPC protocol, under both service names: "
            "nanoservice.workflow.v1.NodeService (released Blok) and blok.workflow.v1.NodeService."
        ),
    )
    parser.add_argument(
        "--nodes",
        default=os.environ.get("PYTHON_NODES_PATH"),
        help="directory holding <node>.py or <node>/node.py (default: $PYTHON_NODES_PATH)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SERVER_PORT", "0")),
        help="port to bind; 0 picks a free one (default: $SERVER_PORT or 0)",
    )
    parser.add_argument(
        "--max-threads", type=int, default=32, help="worker threads for sync nodes (default 32)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=2.0,
        help="seconds in-flight calls get to finish when stopping (default 2)",
    )
    parser.add_argument(
        "--max-message-mb",
        type=int,
        default=int(os.environ.get("RUNTIME_PYTHON3_MAX_MESSAGE_MB", "64")),
        help="largest request/reply in MiB (default: $RUNTIME_PYTHON3_MAX_MESSAGE_MB or 64)",
    )
    parser.add_argument(
        "--exit-on-stdin-eof",
        action="store_true",
        help="stop when stdin reaches EOF (a launcher's way to tie our lifetime to its own)",
    )
    args = parser.parse_args(argv)
    if not args.nodes:
        parser.error("--nodes is required (or set PYTHON_NODES_PATH)")
    if not os.path.isdir(args.nodes):
        parser.error(f"nodes directory {args.nodes!r} does not exist or is not a directory")
    if args.max_message_mb < 1:
        parser.error("--max-message-mb must be at least 1")
    if args.max_threads < 1:
        parser.error("--max-threads must be at least 1")
    return ServerOptions(
        nodes_dir=os.path.abspath(args.nodes),
        host=args.host,
        port=args.port,
        max_threads=args.max_threads,
        grace_seconds=args.grace,
        max_message_bytes=args.max_message_mb * 1024 * 1024,
        exit_on_stdin_eof=args.exit_on_stdin_eof,
    )


def main(argv: Optional[List[str]] = None) -> int:
    options = parse_args(argv)
    invoker = Invoker(options.max_threads)
    try:
        asyncio.run(serve(options, invoker))
    except BindError as exc:
        print(f"blok_runtime: {exc}", file=sys.stderr, flush=True)
        return 2
    # The grace period is over and every call was cancelled: sync nodes that poll ctx.cancelled
    # return within moments, so a short wait separates them from nodes that ignore it.
    stuck = invoker.shutdown(THREAD_DRAIN_SECONDS)
    if stuck:
        # Joining those threads (what a normal interpreter exit does) could wait forever.
        print(
            f"blok_runtime: exiting with {stuck} sync node call(s) still running "
            "(they ignored ctx.cancelled)",
            file=sys.stderr,
            flush=True,
        )
        sys.stdout.flush()
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
