"""What the daily-quiz tests share: a Wednesday clock, a schedule added straight to the store,
the quiz's posts, whole scheduler rounds, and a claim left behind by a killed process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.app import TutorBot
from bot.sandbox import LoopbackDiscord, Message
from bot.store import TutorStore
from bot.store.records import Question, Schedule
from exercises import Difficulty
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog
from tests.loopback_fixtures import Scene

# ManualClock starts at 2026-11-25 12:00 UTC, 13:00 in Berlin; the quiz is due at 14:00 there.
DUE = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def wednesday_clock() -> ManualClock:
    """These tests name days, dates and weeks, so their clock starts on a fixed Wednesday
    (whatever TEST_CLOCK_START says); the bot still reads only this clock."""
    return ManualClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


def quiz_posts(loopback: LoopbackDiscord, scene: Scene) -> list[Message]:
    return [m for m in loopback.messages(scene.channel) if m.content.startswith("**Daily quiz**")]


async def schedule_quiz(
    bot: TutorBot, scene: Scene, clock: ManualClock, **changes: object
) -> Schedule:
    fields: dict[str, object] = {
        "guild_id": scene.guild.id,
        "channel_id": scene.channel.id,
        "local_time": time(14, 0),
        "time_zone": "Europe/Berlin",
        "pack": "demo",
        "difficulty": None,
        "question_count": 1,
        "created_by": scene.moderator.id,
        "now": clock.now(),
    }
    fields.update(changes)
    schedule = await bot.practice.store.quizzes.add_schedule(**fields)  # type: ignore[arg-type]
    await bot.quiz_scheduler.next_round()
    return schedule


async def round_(bot: TutorBot) -> None:
    await asyncio.wait_for(bot.quiz_scheduler.next_round(), 5)


async def advance_to(clock: ManualClock, moment: datetime) -> None:
    await clock.advance((moment - clock.now()).total_seconds())


async def claim_as_a_crashed_process(database: Path, clock: ManualClock) -> None:
    """What a bot killed right after its claim leaves behind: a claim, its posts, no messages."""
    async with await TutorStore.open(database) as store:
        (schedule,) = await store.quizzes.schedules()
        demo = e2e_catalog().get("demo/define-async-view")
        question = Question(demo.id, demo.content_hash, Difficulty.MEDIUM, 3)
        claimed = await store.quizzes.claim(
            schedule,
            local_date=DUE.date(),
            due_at=DUE,
            questions=[question],
            process="killed",
            now=clock.now(),
            lease_until=clock.now() + timedelta(minutes=2),
        )
    assert claimed is not None
