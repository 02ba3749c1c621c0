"""A clock that tests move by hand: `now()` is fixed until advanced, and sleeps wait for it.

It starts at TEST_CLOCK_START (an ISO 8601 time with its offset) when that is set, else at a
fixed moment, so no test depends on the day it runs; `.ci/run` runs the end-to-end tests
again with the start a year ahead and a month behind.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

START_VARIABLE = "TEST_CLOCK_START"
DEFAULT_START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def start_time() -> datetime:
    """Where test clocks start: TEST_CLOCK_START, or a fixed moment."""
    configured = os.environ.get(START_VARIABLE)
    if not configured:
        return DEFAULT_START
    start = datetime.fromisoformat(configured)
    if start.tzinfo is None:
        raise ValueError(f"{START_VARIABLE}={configured!r} needs an offset, e.g. +00:00")
    return start.astimezone(UTC)


class ManualClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or start_time()
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    def seconds(self) -> float:
        """The same moment as seconds, for code that takes a monotonic `now` (durations)."""
        return self._now.timestamp()

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + timedelta(seconds=seconds), future))
        await future

    @property
    def sleeping(self) -> int:
        return sum(1 for _, future in self._sleepers if not future.done())

    async def advance(self, seconds: float) -> None:
        """Move time on and wake every sleeper whose time has come; let them run."""
        await _let_tasks_run()  # tasks just started register their sleeps at the old time
        self._now += timedelta(seconds=seconds)
        due = [(at, future) for at, future in self._sleepers if at <= self._now]
        self._sleepers = [(at, future) for at, future in self._sleepers if at > self._now]
        for _, future in due:
            if not future.done():
                future.set_result(None)
        await _let_tasks_run()


async def _let_tasks_run() -> None:
    for _ in range(5):  # a few turns of the loop, for woken tasks to reach their next await
        await asyncio.sleep(0)
