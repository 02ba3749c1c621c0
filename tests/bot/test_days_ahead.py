"""The sandbox's `--days-ahead`: the bot's clock moved ahead by a fixed time, so that a miss
is in /review at once; refused outside the sandbox (without --preview)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import bot_clock, main
from bot.clock import AheadClock, SystemClock
from tests.clock import ManualClock

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def test_an_ahead_clock_reads_its_base_moved_ahead_and_sleeps_on_it() -> None:
    base = ManualClock(T0)
    ahead = AheadClock(base, timedelta(days=1))
    assert ahead.now() == T0 + timedelta(days=1)
    await base.advance(60)
    assert ahead.now() == T0 + timedelta(days=1, minutes=1)


def test_the_bot_clock_is_the_system_clock_unless_moved_ahead() -> None:
    assert isinstance(bot_clock(0), SystemClock)
    moved = bot_clock(1.5)
    assert isinstance(moved, AheadClock)
    assert moved.ahead == timedelta(days=1, hours=12)


def test_days_ahead_without_preview_is_refused_in_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--days-ahead", "1"])
    assert exited.value.code == 2
    assert "--days-ahead is for the sandbox only: it needs --preview" in capsys.readouterr().err
