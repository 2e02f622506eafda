"""Reports a blocked event loop, naming the node that blocks it.

An ``async def`` node that never awaits (a CPU loop, a blocking library call) stops the event
loop: no other call progresses and no health probe is answered. The launcher's supervisor sees
the missing probe answers and restarts the runtime; this watchdog tells it *which* node was
running, so the failed call's error can name it.

A heartbeat callback on the loop records when the loop last turned. A daemon thread checks that
time; when it is older than ``report_after`` seconds it reads the loop thread's current stack
(``sys._current_frames``), finds the ``execute_node`` frame of the call being run and prints::

    BLOK_PYTHON_RUNTIME_BLOCKED <ms> <node name as JSON>

on stdout, again every ``report_every`` seconds while the block lasts. The thread runs Python
code, so it reports only while the blocking code releases the GIL now and then (pure Python
does, every 5 ms); a C extension holding the GIL silences it, and the probe deadline alone
decides.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from types import CodeType, FrameType
from typing import Optional

BLOCKED_PREFIX = "BLOK_PYTHON_RUNTIME_BLOCKED"
_BEAT_SECONDS = 0.1


def watch_event_loop(
    loop: asyncio.AbstractEventLoop,
    call_code: CodeType,
    report_after: float = 1.0,
    report_every: float = 0.5,
) -> None:
    """Start the heartbeat on ``loop`` (call from the loop's thread) and the watching thread.

    ``call_code`` is the code object of the coroutine function that runs one call; its frame on
    the loop thread's stack holds the ``request`` being served.
    """
    last_beat = [time.monotonic()]
    loop_thread = threading.get_ident()

    def beat() -> None:
        last_beat[0] = time.monotonic()
        loop.call_later(_BEAT_SECONDS, beat)

    beat()

    def watch() -> None:
        while not loop.is_closed():
            time.sleep(report_every)
            blocked = time.monotonic() - last_beat[0]
            if blocked < report_after or loop.is_closed():
                continue
            node = _running_node(sys._current_frames().get(loop_thread), call_code)
            print(f"{BLOCKED_PREFIX} {blocked * 1000:.0f} {json.dumps(node)}", flush=True)

    threading.Thread(target=watch, name="blok-loop-watchdog", daemon=True).start()


def _running_node(frame: Optional[FrameType], call_code: CodeType) -> Optional[str]:
    # A running coroutine's frame links to its awaiting caller's, up to the task's step.
    while frame is not None:
        if frame.f_code is call_code:
            request = frame.f_locals.get("request")
            name = getattr(request, "name", None)
            return name if isinstance(name, str) else None
        frame = frame.f_back
    return None
