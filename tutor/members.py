"""Runs per member: at most so many in flight and so many per minute, beside the global bounds.

The bot is the service's only client in production, one address for every member, so the
bounds are per member: the bot names the member of each run (MEMBER_HEADER). A request that
names none is counted under its address. A run refused here costs nothing: no process starts.
Time comes from `now`, seconds on a clock that never jumps (time.monotonic), so tests move
it by hand.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterator

RUNS_WINDOW = 60.0
"""Seconds over which runs per minute are counted: a sliding minute, not the clock's."""
MAX_TRACKED = 10_000
"""Members remembered at once before those with nothing in the last minute are forgotten."""


class OverMemberLimit(Exception):
    """This member has as many runs in flight, or in the last minute, as allowed."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MemberLimits:
    def __init__(
        self,
        *,
        per_minute: int = 30,
        at_once: int = 4,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.at_once = at_once
        self.now = now
        self._started: dict[str, deque[float]] = {}
        self._in_flight: dict[str, int] = {}

    def in_flight(self, member: str) -> int:
        return self._in_flight.get(member, 0)

    @contextlib.contextmanager
    def run_for(self, member: str) -> Iterator[None]:
        """Hold one of the member's runs while the block runs; OverMemberLimit if none is left."""
        self._start_run(member)
        try:
            yield
        finally:
            left = self._in_flight[member] - 1
            if left:
                self._in_flight[member] = left
            else:
                del self._in_flight[member]

    def _start_run(self, member: str) -> None:
        now = self.now()
        started = self._started.setdefault(member, deque())
        while started and started[0] <= now - RUNS_WINDOW:
            started.popleft()
        if self.in_flight(member) >= self.at_once:
            raise OverMemberLimit(f"{self.at_once} runs of this member are still running", 1.0)
        if len(started) >= self.per_minute:
            wait = started[0] + RUNS_WINDOW - now
            raise OverMemberLimit(f"{self.per_minute} runs of this member in the last minute", wait)
        started.append(now)
        self._in_flight[member] = self.in_flight(member) + 1
        if len(self._started) > MAX_TRACKED:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for member, started in list(self._started.items()):
            if not started or started[-1] <= now - RUNS_WINDOW:
                del self._started[member]
