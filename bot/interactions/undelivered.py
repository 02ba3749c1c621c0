"""Answers Discord would not take, under load: counted, and summed up in one line a minute.

In a burst (a daily quiz posted, hundreds of clicks within seconds) some interactions are
answered after Discord's 3 s: Discord refuses with 404, code 10062 ("Unknown interaction"),
and nothing more can be sent for them. Discord may also be rate limiting us (429) or failing
(5xx, after discord.py's own retries). None of these is a bug of ours, and each of them
happens to many interactions at once: a traceback, an apology or a retry for each would only
add load. So each costs a count here, and the log gets one WARNING when the first arrives and
at most one line per `every` after that, with how many there were, while they keep coming.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum

import discord

from bot.clock import Clock

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION_CODE = 10062  # Discord: "Unknown interaction" (its 3 s or 15 min are over)
ANSWERED_ALREADY_CODE = 40060  # Discord: "Interaction has already been acknowledged."


class Lost(StrEnum):
    """Why an answer could not be delivered; the values are the lines' words."""

    EXPIRED = "expired before our answer reached Discord (its 3 s were over)"
    ANSWERED_ELSEWHERE = "answered by another process first"
    DISCORD_ERROR = "not answered: Discord rate limited us or failed (429 or 5xx)"


LOST_OUTCOMES = {
    Lost.EXPIRED: "expired",
    Lost.ANSWERED_ELSEWHERE: "answered_elsewhere",
    Lost.DISCORD_ERROR: "failed",
}
"""The outcome of a click whose answer Discord would not take, as bot.metrics counts it."""


def lost_because(error: BaseException) -> Lost | None:
    """Why Discord would not take our answer, if `error` (or what it wraps) says so; None for
    anything that is not Discord's doing (our refusals, our bugs, an invalid body)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, discord.HTTPException):
            if seen.code == UNKNOWN_INTERACTION_CODE:
                return Lost.EXPIRED
            if seen.code == ANSWERED_ALREADY_CODE:
                return Lost.ANSWERED_ELSEWHERE
            if seen.status == 429 or seen.status >= 500:
                return Lost.DISCORD_ERROR
            return None
        seen = getattr(seen, "original", None) or seen.__cause__
    return None


class Undelivered:
    """The one place that counts interactions Discord would not take our answer for."""

    def __init__(self, clock: Clock, *, every: timedelta = timedelta(minutes=1)) -> None:
        self._clock = clock
        self._every = every
        self.totals: Counter[Lost] = Counter()  # since start, for tests and curious readers
        self._since_line: Counter[Lost] = Counter()
        self._window_started: datetime | None = None
        self._summary: asyncio.Task[None] | None = None

    def note(self, reason: Lost, interaction_id: int) -> None:
        """One interaction lost for `reason`: logged at once if none was lately, else counted
        into the next summary line."""
        self.totals[reason] += 1
        if self._summary is not None:
            self._since_line[reason] += 1
            return
        level = logging.INFO if reason is Lost.ANSWERED_ELSEWHERE else logging.WARNING
        log.log(
            level,
            "interaction %s %s; more like it are summed up here at most once every %.0f s",
            interaction_id,
            reason.value,
            self._every.total_seconds(),
        )
        self._window_started = self._clock.now()
        self._summary = asyncio.create_task(self._sum_up(), name="undelivered summary")

    async def _sum_up(self) -> None:
        try:
            while True:
                await self._clock.sleep(self._every.total_seconds())
                if not self._since_line:
                    return
                self._log_summary()
        finally:
            if self._summary is asyncio.current_task():
                self._summary = None

    def _log_summary(self) -> None:
        counts, self._since_line = self._since_line, Counter()
        started, self._window_started = self._window_started, self._clock.now()
        seconds = (self._clock.now() - started).total_seconds() if started else 0.0
        parts = ", ".join(f"{count} {reason.value}" for reason, count in counts.most_common())
        only_elsewhere = set(counts) == {Lost.ANSWERED_ELSEWHERE}
        level = logging.INFO if only_elsewhere else logging.WARNING
        log.log(level, "interactions not answered in the last %.0f s: %s", seconds, parts)

    def close(self) -> None:
        """On shutdown: the counts not yet logged, logged now."""
        if self._summary is not None:
            self._summary.cancel()
            self._summary = None
        if self._since_line:
            self._log_summary()
