"""The loop watchdog names the call that blocks the event loop."""

import asyncio
import contextlib
import io
import time
import unittest
from types import SimpleNamespace

from blok_runtime.loop_watchdog import BLOCKED_PREFIX, watch_event_loop


async def run_call(request):
    await asyncio.sleep(0)
    await blocking_node()


async def blocking_node():
    time.sleep(1.2)  # an async node that never awaits: the loop stands still


class LoopWatchdogTest(unittest.TestCase):
    def test_reports_the_blocked_call_by_node_name(self):
        out = io.StringIO()

        async def main():
            watch_event_loop(asyncio.get_running_loop(), run_call.__code__, report_after=0.3, report_every=0.1)
            await run_call(SimpleNamespace(name="spinner"))

        with contextlib.redirect_stdout(out):
            asyncio.run(main())
        reports = [line for line in out.getvalue().splitlines() if line.startswith(BLOCKED_PREFIX)]
        self.assertTrue(reports, out.getvalue())
        _, ms, node = reports[-1].split(" ", 2)
        self.assertEqual(node, '"spinner"')
        self.assertGreaterEqual(int(ms), 300)

    def test_stays_silent_while_the_loop_turns(self):
        out = io.StringIO()

        async def main():
            watch_event_loop(asyncio.get_running_loop(), run_call.__code__, report_after=0.3, report_every=0.1)
            await asyncio.sleep(0.8)

        with contextlib.redirect_stdout(out):
            asyncio.run(main())
        self.assertNotIn(BLOCKED_PREFIX, out.getvalue())


if __name__ == "__main__":
    unittest.main()
