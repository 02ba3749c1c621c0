"""Run it is rate-limited per member: each run costs the tutor service a real process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import Refused
from bot.practice.run_it import ExampleRunner

NOON = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_one_run_per_member_per_cooldown():
    runner = ExampleRunner(None, cooldown_seconds=10)
    runner.allow_run(1, NOON)
    runner.allow_run(2, NOON)  # another member is not held up

    with pytest.raises(Refused, match="again in 5 s"):
        runner.allow_run(1, NOON + timedelta(seconds=5))
    runner.allow_run(1, NOON + timedelta(seconds=10))
