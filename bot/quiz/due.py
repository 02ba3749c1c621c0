"""When a daily quiz is due: a pure function of the schedule's local time, its zone and `now`.

A schedule says "09:00 in Europe/Berlin". Each local date has one due instant (UTC):

- a local time that does not exist that day (the clocks jump forward over it) is moved
  forward by the gap: 02:30 on the spring-forward night becomes 03:30;
- a local time that exists twice (the clocks fall back over it) is taken at its first
  occurrence.

Both are what `fold=0` means in PEP 495, which zoneinfo implements; this module pins that
meaning down with names and tests, and never reads the wall clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import Refused
from exercises.progress import require_aware

TIME_EXAMPLE = "09:30"
ZONE_EXAMPLE = "Europe/Berlin"
_HH_MM = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})")


def parse_local_time(text: str) -> time:
    """'9:05' or '09:05' (24-hour clock) -> time(9, 5); anything else is refused with an example."""
    match = _HH_MM.fullmatch(text.strip())
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise Refused(
            f"`{text}` is not a time of day. Give hours and minutes on a 24-hour clock, "
            f"e.g. `{TIME_EXAMPLE}` or `18:00`."
        )
    return time(int(match["hour"]), int(match["minute"]))


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone name -> ZoneInfo; an unknown one is refused with an example."""
    cleaned = name.strip()
    try:
        if not cleaned or cleaned.startswith(("/", ".")) or ".." in cleaned:
            raise ValueError(cleaned)
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise Refused(
            f"`{name}` is not a time zone I know. Use an IANA name such as `{ZONE_EXAMPLE}`, "
            "`America/New_York` or `UTC`."
        ) from None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One day's quiz: the local date it belongs to and the UTC instant it is due."""

    local_date: date
    due_at: datetime


def due_on(local_date: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant `at` on `local_date` in `zone` (gap: moved forward; repeat: first)."""
    wall = datetime.combine(local_date, at).replace(tzinfo=zone, fold=0)
    return wall.astimezone(UTC)


def _around(now: datetime, at: time, zone: ZoneInfo) -> list[Occurrence]:
    today = require_aware(now).astimezone(zone).date()
    days = (today + timedelta(days=offset) for offset in (-2, -1, 0, 1, 2))
    return [Occurrence(day, due_on(day, at, zone)) for day in days]


def next_due(now: datetime, at: time, zone: ZoneInfo) -> Occurrence:
    """The first occurrence due strictly after `now`."""
    return next(o for o in _around(now, at, zone) if o.due_at > now)


def latest_due(now: datetime, at: time, zone: ZoneInfo) -> Occurrence:
    """The last occurrence due at or before `now` (the one a scheduler may still owe)."""
    return [o for o in _around(now, at, zone) if o.due_at <= now][-1]
