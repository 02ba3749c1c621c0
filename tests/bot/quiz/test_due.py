"""The due-time function across daylight-saving changes, in Europe/Berlin and America/New_York.

2026: Europe springs forward on 29 March (02:00 -> 03:00) and falls back on 25 October
(03:00 -> 02:00); the US springs forward on 8 March and falls back on 1 November (both at 02:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.errors import Refused
from bot.quiz.due import Occurrence, due_on, latest_due, next_due, parse_local_time, parse_zone

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # Ordinary days either side of each change keep the wall-clock time.
        (BERLIN, date(2026, 3, 28), time(9, 0), utc(2026, 3, 28, 8, 0)),  # CET, +01:00
        (BERLIN, date(2026, 3, 29), time(9, 0), utc(2026, 3, 29, 7, 0)),  # CEST, +02:00
        (BERLIN, date(2026, 10, 25), time(9, 0), utc(2026, 10, 25, 8, 0)),  # back to CET
        (NEW_YORK, date(2026, 3, 7), time(9, 0), utc(2026, 3, 7, 14, 0)),  # EST, -05:00
        (NEW_YORK, date(2026, 3, 8), time(9, 0), utc(2026, 3, 8, 13, 0)),  # EDT, -04:00
        (NEW_YORK, date(2026, 11, 1), time(9, 0), utc(2026, 11, 1, 14, 0)),  # back to EST
        # A time that does not exist that night is moved forward by the gap: 02:30 -> 03:30.
        (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
        (BERLIN, date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1, 0)),  # 02:00 -> 03:00
        # A time that exists twice is taken at its first occurrence (still summer time).
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    ],
)
def test_due_on_each_local_day(zone: ZoneInfo, day: date, at: time, expected: datetime) -> None:
    assert due_on(day, at, zone) == expected


def test_a_moved_time_shows_as_the_local_time_after_the_gap() -> None:
    assert due_on(date(2026, 3, 29), time(2, 30), BERLIN).astimezone(BERLIN).time() == time(3, 30)
    assert due_on(date(2026, 3, 8), time(2, 15), NEW_YORK).astimezone(NEW_YORK).time() == time(
        3, 15
    )


def test_the_repeated_hour_is_delivered_once_and_the_next_is_a_day_later() -> None:
    # Just after the first 02:30 in Berlin (00:30 UTC), the second 02:30 (01:30 UTC) is not due.
    first = utc(2026, 10, 25, 0, 30)
    assert latest_due(first, time(2, 30), BERLIN) == Occurrence(date(2026, 10, 25), first)
    following = next_due(first, time(2, 30), BERLIN)
    assert following == Occurrence(date(2026, 10, 26), utc(2026, 10, 26, 1, 30))


def test_next_due_across_the_spring_night_in_new_york() -> None:
    evening = utc(2026, 3, 8, 3, 0)  # 22:00 EST on 7 March
    assert next_due(evening, time(2, 30), NEW_YORK) == Occurrence(
        date(2026, 3, 8), utc(2026, 3, 8, 7, 30)
    )
    assert next_due(utc(2026, 3, 8, 7, 30), time(2, 30), NEW_YORK) == Occurrence(
        date(2026, 3, 9), utc(2026, 3, 9, 6, 30)
    )


def test_next_due_is_strictly_after_now_and_latest_due_at_or_before() -> None:
    due = utc(2026, 11, 1, 14, 0)  # 09:00 EST, the first day after New York falls back
    assert next_due(due, time(9, 0), NEW_YORK).local_date == date(2026, 11, 2)
    assert latest_due(due, time(9, 0), NEW_YORK).local_date == date(2026, 11, 1)
    just_before = utc(2026, 11, 1, 13, 59)  # 08:59 EST; in summer time it would be past 09:00
    assert next_due(just_before, time(9, 0), NEW_YORK) == Occurrence(date(2026, 11, 1), due)
    assert latest_due(just_before, time(9, 0), NEW_YORK).local_date == date(2026, 10, 31)


def test_a_local_date_is_the_date_in_the_schedules_zone_not_utc() -> None:
    # 23:30 in New York on 31 October is already 1 November in UTC.
    now = utc(2026, 11, 1, 3, 30)
    assert next_due(now, time(23, 45), NEW_YORK).local_date == date(2026, 10, 31)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_due(datetime(2026, 3, 1, 9, 0), time(9, 0), BERLIN)


@pytest.mark.parametrize("text", ["9", "25:00", "09:60", "9am", "", "09:5"])
def test_a_bad_time_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(Refused, match=r"e\.g\. `09:30`"):
        parse_local_time(text)


def test_good_times() -> None:
    assert parse_local_time("9:05") == time(9, 5)
    assert parse_local_time(" 23:59 ") == time(23, 59)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "/usr/share/zoneinfo/UTC"])
def test_an_unknown_zone_is_refused_with_an_example(name: str) -> None:
    with pytest.raises(Refused, match="Europe/Berlin"):
        parse_zone(name)


def test_known_zones() -> None:
    assert parse_zone("America/New_York") == NEW_YORK
    assert str(parse_zone("UTC")) == "UTC"
