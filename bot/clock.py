"""Time as an argument: the bot asks a Clock for "now" and for sleeps, so tests can drive it.

Never reads the wall clock anywhere else; always aware datetimes in UTC.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, an aware datetime."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class AheadClock:
    """Another clock moved ahead by a fixed time: the sandbox's `--days-ahead`, so that a
    member can see tomorrow's reviews today. Never for a real server (`python -m bot`
    accepts it only with --preview)."""

    def __init__(self, base: Clock, ahead: timedelta) -> None:
        self.base = base
        self.ahead = ahead

    def now(self) -> datetime:
        return self.base.now() + self.ahead

    async def sleep(self, seconds: float) -> None:
        await self.base.sleep(seconds)
