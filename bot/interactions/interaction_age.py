"""How old an interaction is on Discord's clock, counted with ours even when ours is off.

Discord stamps every interaction id with its creation time on Discord's clock; the host's
clock may be off from it by a constant. The smallest (receipt - creation) seen recently is
that offset plus the least delay of any event, so ages are counted relative to it: a fast
host clock does not make every click look late, and a slow one does not hide a late click.
Reads time only through the bot's Clock.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime, timedelta

from bot.clock import Clock

log = logging.getLogger(__name__)

SKEW_WORTH_A_WARNING = timedelta(seconds=1)


class InteractionAges:
    """Ages of interactions as they arrive. `window` bounds how long a sample of the offset
    is trusted: a clock corrected since then should not keep its old offset for ever."""

    def __init__(self, clock: Clock, *, window: timedelta = timedelta(minutes=10)) -> None:
        self._clock = clock
        self._window = window
        # (received, offset), offsets increasing: the front is the smallest in the window
        self._offsets: deque[tuple[datetime, timedelta]] = deque()
        self._warned = False

    @property
    def skew(self) -> timedelta:
        """How far our clock seems ahead of Discord's (negative: behind); zero before any
        interaction has arrived."""
        return self._offsets[0][1] if self._offsets else timedelta(0)

    def arrived(self, created_at: datetime) -> float:
        """Note an interaction created at `created_at` (Discord's clock) arriving now; its
        age in seconds on Discord's clock."""
        now = self._clock.now()
        offset = now - created_at
        while self._offsets and self._offsets[-1][1] >= offset:
            self._offsets.pop()
        self._offsets.append((now, offset))
        while self._offsets[0][0] < now - self._window:
            self._offsets.popleft()
        self._warn_once()
        return (offset - self.skew).total_seconds()

    def age(self, created_at: datetime) -> float:
        """The age in seconds, on Discord's clock, of an interaction created at `created_at`
        and already noted by `arrived` (a second sample of one arrival would count twice)."""
        return (self._clock.now() - created_at - self.skew).total_seconds()

    def _warn_once(self) -> None:
        if not self._warned and abs(self.skew) > SKEW_WORTH_A_WARNING:
            self._warned = True
            log.warning(
                "this host's clock is about %.1f s %s Discord's; "
                "interaction deadlines are counted on Discord's clock",
                abs(self.skew.total_seconds()),
                "ahead of" if self.skew > timedelta(0) else "behind",
            )
