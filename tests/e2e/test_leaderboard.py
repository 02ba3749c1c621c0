"""/leaderboard and the streak in /stats, through the loopback Discord, in the server's zone."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.practice.commands import PUBLIC_BOARD_EVERY_SECONDS, SHOWN_TO_YOU_ALONE
from bot.sandbox import LoopbackDiscord, Member
from bot.store import TutorStore
from exercises import Difficulty
from exercises.progress import PostContext
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.e2e.settings_helper import configure
from tests.loopback_fixtures import Scene

BERLIN = ZoneInfo("Europe/Berlin")
_ids = itertools.count(1)


@pytest.fixture
def manual_clock() -> ManualClock:
    """These tests name days, dates and weeks, so their clock starts on a fixed Wednesday
    (whatever TEST_CLOCK_START says); the bot still reads only this clock."""
    return ManualClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


async def solved(
    store: TutorStore, guild_id: int, member: Member, difficulty: Difficulty, at: datetime
) -> None:
    """A first-try solve of a new exercise: 10, 20 or 30 points."""
    post = await store.create_post(
        guild_id=guild_id,
        channel_id=1,
        exercise_id=f"demo/exercise-{next(_ids)}",
        content_hash="hash",
        difficulty=difficulty,
        context=PostContext.PRACTICE,
        attempt_limit=3,
        posted_at=at,
    )
    await store.record_attempt(
        post_id=post.post_id,
        member_id=member.id,
        interaction_id=next(_ids),
        answer="A",
        correct=True,
        answered_at=at,
    )


async def board(loopback: LoopbackDiscord, scene: Scene, clock: ManualClock, period: str) -> str:
    """The board as the channel sees it (a minute apart: it is shown there once a minute)."""
    asked = await loopback.run_command(scene.alice, scene.channel, "leaderboard", period=period)
    shown = await loopback.reply_to(asked)
    assert not shown.ephemeral  # the board is for the whole server
    await clock.advance(PUBLIC_BOARD_EVERY_SECONDS + 1)
    return shown.content


async def test_the_leaderboard_is_shown_to_a_channel_at_most_once_a_minute(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    """Twenty calls in a row: one board in the channel, nineteen private copies; over a minute
    later the channel may see it again."""
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3"):
        replies = [
            await loopback.reply_to(
                await loopback.run_command(member, scene.channel, "leaderboard")
            )
            for member in [scene.alice] * 10 + [scene.bob] * 10
        ]
        await manual_clock.advance(PUBLIC_BOARD_EVERY_SECONDS + 1)
        later = await loopback.reply_to(
            await loopback.run_command(scene.bob, scene.channel, "leaderboard")
        )

    first, *rest = replies
    assert not first.ephemeral
    assert all(reply.ephemeral for reply in rest)
    assert all(reply.content.endswith(SHOWN_TO_YOU_ALONE) for reply in rest)
    assert rest[0].content.startswith(first.content)  # the same board, to that member alone
    assert not later.ephemeral
    assert [m.id for m in loopback.messages(scene.channel)] == [first.id, later.id]


async def test_the_leaderboard_orders_members_for_each_period_by_display_name(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    # The clock shows Wednesday 25 November 2026, 12:00 UTC; the server is in Berlin.
    carol = loopback.add_member(scene.guild, "@everyone **carol**")
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        store, guild = bot.practice.store, scene.guild.id
        for member in (scene.alice, scene.bob, carol):  # the bot learns their display names
            await loopback.reply_to(await loopback.run_command(member, scene.channel, "stats"))
        await configure(store, guild, manual_clock.now(), time_zone="Europe/Berlin")

        # Monday 00:30 in Berlin is still Sunday in UTC: it counts for this week in Berlin.
        await solved(
            store, guild, scene.alice, Difficulty.HARD, datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
        )
        await solved(
            store, guild, scene.bob, Difficulty.EASY, datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        )
        await solved(
            store, guild, scene.bob, Difficulty.MEDIUM, datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
        )
        await solved(
            store, guild, scene.alice, Difficulty.EASY, datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
        )
        for _ in range(2):  # last week
            await solved(
                store, guild, scene.bob, Difficulty.HARD, datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
            )
        await solved(store, guild, carol, Difficulty.EASY, datetime(2026, 11, 20, 9, 0, tzinfo=UTC))

        day = await board(loopback, scene, manual_clock, "day")
        week = await board(loopback, scene, manual_clock, "week")
        everything = await board(loopback, scene, manual_clock, "all-time")

    assert day.splitlines() == [
        "**Leaderboard · today** (since Wednesday 25 November 00:00 Europe/Berlin)",
        "1. bob · 20 points · 1 solved",
        "2. alice · 10 points · 1 solved",
    ]
    assert week.splitlines() == [
        "**Leaderboard · this week** (since Monday 23 November 00:00 Europe/Berlin)",
        "1. alice · 40 points · 2 solved",
        "2. bob · 30 points · 2 solved",
    ]
    assert everything.splitlines() == [
        "**Leaderboard · all time**",
        "1. bob · 90 points · 4 solved",
        "2. alice · 40 points · 2 solved",
        "3. @\u200beveryone \\*\\*carol\\*\\* · 10 points · 1 solved",  # never a mention
    ]
    leaderboards = [
        r.body["data"]
        for r in loopback.requests
        if r.path.startswith("/interactions/")
        and "Leaderboard" in r.body["data"].get("content", "")
    ]
    assert len(leaderboards) == 3
    assert all(data["allowed_mentions"] == {"parse": []} for data in leaderboards)


async def test_a_streak_across_the_end_of_summer_time_counts_local_days(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    # Berlin leaves summer time on 25 October 2026: that local day lasts 25 hours.
    bot_clock = ManualClock(datetime(2026, 10, 26, 12, 0, tzinfo=UTC))
    async with running_bot(loopback, scene, bot_clock, tmp_path / "t.sqlite3") as bot:
        store, guild = bot.practice.store, scene.guild.id
        await configure(store, guild, bot_clock.now(), time_zone="Europe/Berlin")
        for local in (
            datetime(2026, 10, 24, 23, 30, tzinfo=BERLIN),  # 21:30 UTC, summer time
            datetime(2026, 10, 25, 23, 50, tzinfo=BERLIN),  # 22:50 UTC, winter time
            datetime(2026, 10, 26, 0, 20, tzinfo=BERLIN),  # 23:20 UTC, still the 25th there
        ):
            await solved(store, guild, scene.alice, Difficulty.EASY, local.astimezone(UTC))
        shown = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "stats")
        )
    assert shown.content.splitlines()[-1] == "Streak: 3 days in a row (longest: 3)."
