"""Reports through bot.reports with a real SQLite store: a member's hourly budget of new
reports (the flood through Discord itself is tests/e2e/test_moderators.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import Refused
from bot.members.reports import REPORTS_PER_HOUR, Reports
from bot.store import TutorStore
from tests.bot.store.test_contract import ALICE, BOB, CHANNEL, post
from tests.clock import ManualClock

TEN_PAST = datetime(2026, 3, 12, 12, 10, tzinfo=UTC)


async def test_a_member_sends_a_few_new_reports_an_hour_then_is_told_when_more_may_come(
    tmp_path: Path,
) -> None:
    clock = ManualClock(TEN_PAST)
    async with await TutorStore.open(tmp_path / "t.sqlite3") as store:
        reports = Reports(store=store, clock=clock)
        posts = [await post(store, f"demo/e{n}") for n in range(REPORTS_PER_HOUR + 1)]

        async def report(member: int, index: int) -> str:
            made = posts[index]
            done = await reports.report(
                post_id=made.post_id, channel_id=CHANNEL, member_id=member, reason="wrong"
            )
            return done.thanks

        kept = [await report(ALICE, n) for n in range(REPORTS_PER_HOUR)]
        with pytest.raises(Refused) as refused:
            await report(ALICE, REPORTS_PER_HOUR)
        by_bob = await report(BOB, REPORTS_PER_HOUR)  # a budget of her own
        await clock.advance(50 * 60)  # 13:00: a new hour
        next_hour = await report(ALICE, REPORTS_PER_HOUR)

    assert len(kept) == REPORTS_PER_HOUR
    one_o_clock = int(datetime(2026, 3, 12, 13, 0, tzinfo=UTC).timestamp())
    assert refused.value.message == (
        f"You have sent {REPORTS_PER_HOUR} reports this hour, thank you: you can send more "
        f"from <t:{one_o_clock}:t>."
    )
    assert by_bob == next_hour == "Thank you: the moderators will look at it."
