"""Moves this process's wall clock WALL_CLOCK_AHEAD_DAYS days ahead, and keeps it ticking.

`.ci/run` puts this folder on PYTHONPATH, so every Python process of a test run starts here,
the bots that tests start as subprocesses included. It uses time-machine, which moves
time.time and datetime.now but not the monotonic clocks asyncio runs on. (libfaketime is no
use here: with DONT_FAKE_MONOTONIC=1 time.sleep raises EINVAL, and without it
threading.Event.wait hangs.) Run pytest with `-p no:time_machine` beside it.
"""

from __future__ import annotations

import os

_days = os.environ.get("WALL_CLOCK_AHEAD_DAYS")
if _days:
    from datetime import UTC, datetime, timedelta

    import time_machine

    # Reading the real wall clock is the point here: it is what is moved.
    _destination = datetime.now(UTC) + timedelta(days=float(_days))
    time_machine.travel(_destination, tick=True).start()
