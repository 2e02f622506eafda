"""Starting, announcing and stopping the gRPC server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import NamedTuple

import grpc

from .invoke import Invoker
from .loader import NodeRegistry
from .loop_watchdog import watch_event_loop
from .service import NodeService, generic_handlers

READY_PREFIX = "BLOK_PYTHON_RUNTIME_READY"

# gRPC-core's default ping policy answers a client that pings more often than every 5 minutes
# without data with GOAWAY "too_many_pings" after 2 strikes, failing every call on the
# connection: any call over ~40 s under Blok's 10 s client keepalive. This server accepts pings
# every 5 s, with or without calls, and never counts strikes. It pings idle clients itself every
# 60 s (20 s to answer), so the calls of a client that vanished are cancelled, nodes included.
KEEPALIVE_OPTIONS = (
    ("grpc.http2.min_recv_ping_interval_without_data_ms", 5_000),
    ("grpc.http2.max_ping_strikes", 0),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
)


class ServerOptions(NamedTuple):
    """Command-line settings of one runtime process."""

    nodes_dir: str
    host: str
    port: int
    max_threads: int
    grace_seconds: float
    max_message_bytes: int
    exit_on_stdin_eof: bool


class BindError(RuntimeError):
    """The requested host/port could not be bound."""


async def serve(options: ServerOptions, invoker: Invoker) -> None:
    """Serve until SIGTERM/SIGINT (or stdin EOF when asked), then stop gracefully.

    Prints ``BLOK_PYTHON_RUNTIME_READY <port>`` on stdout once the port is bound and serving; a
    launcher waits for that line, which also carries the port chosen when ``port`` is 0.
    """
    service = NodeService(NodeRegistry(options.nodes_dir), invoker)
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", options.max_message_bytes),
            ("grpc.max_send_message_length", options.max_message_bytes),
            # gRPC sets SO_REUSEPORT by default, which lets a second server silently share a busy
            # port (and split the calls); a port conflict must be an error instead.
            ("grpc.so_reuseport", 0),
            *KEEPALIVE_OPTIONS,
        ]
    )
    server.add_generic_rpc_handlers(generic_handlers(service))
    address = f"[{options.host}]:{options.port}" if ":" in options.host else f"{options.host}:{options.port}"
    try:
        port = server.add_insecure_port(address)
    except RuntimeError as exc:
        raise BindError(f"cannot listen on {address}: {exc}") from exc
    if port == 0:
        raise BindError(f"cannot listen on {address}")

    stop = asyncio.Event()
    _stop_on_signals(stop)
    if options.exit_on_stdin_eof:
        _stop_on_stdin_eof(asyncio.get_running_loop(), stop)

    await server.start()
    watch_event_loop(asyncio.get_running_loop(), NodeService.execute_node.__code__)
    print(f"{READY_PREFIX} {port}", flush=True)
    try:
        await stop.wait()
    finally:
        # In-flight calls get the grace period to finish, then are cancelled (which signals
        # their nodes through ctx.cancel_event / CancelledError).
        await server.stop(options.grace_seconds)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    # Counted apart from `stop`: stdin EOF also sets `stop`, and a launcher typically sends EOF
    # and SIGTERM together, which must still mean a graceful stop.
    received = []

    def request_stop(signum: int) -> None:
        if received:
            # A second signal means "now": skip the grace period and any stuck node.
            os._exit(128 + signum)
        received.append(signum)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, request_stop, signum)


def _stop_on_stdin_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    # The launcher keeps our stdin as a pipe. The kernel closes its end when the launcher exits
    # for any reason, SIGKILL included, so EOF here is a reliable "parent is gone" signal.
    def watch() -> None:
        try:
            while os.read(sys.stdin.fileno(), 65536):
                pass
        except OSError:
            pass
        try:
            loop.call_soon_threadsafe(stop.set)
        except RuntimeError:
            pass  # the loop is already closed: the server is stopping anyway

    threading.Thread(target=watch, name="blok-stdin-watch", daemon=True).start()
