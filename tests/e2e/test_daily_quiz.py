"""Daily quizzes posted exactly once, end to end: the real bot against the loopback Discord.

The clock is the test's: the scheduler sleeps on it, and the test advances it to due times.
`scheduler.next_round()` waits for a whole round that began after the call, so a test can say
"and nothing more was posted" without sleeping.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.sandbox import LoopbackDiscord
from bot.store import Audit, TutorStore
from bot.store.records import DeliveryStatus
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog, running_bot
from tests.e2e.daily_quiz import (
    DUE,
    advance_to,
    quiz_posts,
    round_,
    schedule_quiz,
    wednesday_clock,
)
from tests.e2e.settings_helper import configure
from tests.loopback_fixtures import Scene


@pytest.fixture
def manual_clock() -> ManualClock:
    return wednesday_clock()


async def test_the_quiz_posts_at_its_due_time_once_and_again_the_next_day(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        await schedule_quiz(bot, scene, manual_clock, question_count=2)
        await advance_to(manual_clock, DUE - timedelta(minutes=1))
        await round_(bot)
        assert quiz_posts(loopback, scene) == []

        await manual_clock.advance(60)  # the scheduler's own sleep ends: no explicit round
        await loopback.wait_for_message(lambda m: "question 2/2" in m.content)
        posts = quiz_posts(loopback, scene)
        assert [p.content for p in posts] == [
            "**Daily quiz** · Wednesday 25 November · question 1/2",
            "**Daily quiz** · Wednesday 25 November · question 2/2",
        ]
        assert all(p.created_at == DUE for p in posts)
        assert all(p.buttons() for p in posts)  # members can answer them
        await manual_clock.advance(3600)
        await round_(bot)
        assert len(quiz_posts(loopback, scene)) == 2

        await advance_to(manual_clock, DUE + timedelta(days=1))
        await loopback.wait_for_message(
            lambda m: "Thursday 26 November · question 2/2" in m.content
        )
        await round_(bot)
        assert len(quiz_posts(loopback, scene)) == 4
        titles = [p.embeds[0]["title"] for p in quiz_posts(loopback, scene)]
        assert len(set(titles[:2])) == 2  # two different questions the first day
        # The demo pack has three; the next day starts with the one not seen yet.
        assert titles[2] not in titles[:2]


async def test_the_quiz_ping_role_is_mentioned_in_the_first_post_and_nowhere_else(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    role = loopback.world.add_role(scene.guild, "quiz pings", 0)
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        await configure(bot.practice.store, scene.guild.id, DUE, quiz_role_id=role.id)
        await schedule_quiz(bot, scene, manual_clock, question_count=2)
        await advance_to(manual_clock, DUE)
        await loopback.wait_for_message(lambda m: "question 2/2" in m.content)
        await round_(bot)  # the scheduler sleeps again, on the clock
        await advance_to(manual_clock, DUE + timedelta(days=1))
        await loopback.wait_for_message(lambda m: "results" in m.content)
        await round_(bot)
    sends = [
        r.body
        for r in loopback.requests
        if r.method == "POST" and r.path == f"/channels/{scene.channel.id}/messages"
    ]
    assert len(sends) == 2 + 1 + 2  # today's two, the results, tomorrow's two
    first_of_each_day = [sends[0], sends[3]]
    for body in first_of_each_day:
        assert body["content"].startswith(f"<@&{role.id}> **Daily quiz**")
        assert body["allowed_mentions"] == {"parse": [], "roles": [role.id]}
    for body in (sends[1], sends[2], sends[4]):  # second questions and the results
        assert f"<@&{role.id}>" not in body["content"]
        assert body["allowed_mentions"] == {"parse": []}


async def test_a_new_bot_process_right_after_posting_does_not_post_again(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with running_bot(loopback, scene, manual_clock, database) as bot:
        await schedule_quiz(bot, scene, manual_clock)
        await advance_to(manual_clock, DUE)
        await loopback.wait_for_message(lambda m: m.content.startswith("**Daily quiz**"))
        await round_(bot)  # the delivery is recorded as posted
    async with running_bot(loopback, scene, manual_clock, database) as restarted:
        await round_(restarted)
        await manual_clock.advance(600)
        await round_(restarted)
    assert len(quiz_posts(loopback, scene)) == 1


async def test_two_bot_processes_sharing_the_store_post_once(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with (
        running_bot(loopback, scene, manual_clock, database) as first,
        running_bot(loopback, scene, manual_clock, database) as second,
    ):
        await schedule_quiz(first, scene, manual_clock, question_count=2)
        await advance_to(manual_clock, DUE)  # both wake at the due time and race for the claim
        await asyncio.gather(round_(first), round_(second))
        await loopback.wait_for_message(lambda m: "question 2/2" in m.content)
        await asyncio.gather(round_(first), round_(second))
    assert len(quiz_posts(loopback, scene)) == 2
    async with await TutorStore.open(database) as store:
        (schedule,) = await store.quizzes.schedules()
        (delivery,) = await store.quizzes.deliveries(schedule.schedule_id)
    assert delivery.status is DeliveryStatus.POSTED


async def test_exercises_disabled_on_the_server_are_never_posted(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    demo = [e.id for e in e2e_catalog().in_pack("demo")]
    kept = demo[-1]
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        for exercise_id in demo[:-1]:
            await bot.practice.store.servers.set_exercise_disabled(
                guild_id=scene.guild.id,
                exercise_id=exercise_id,
                disabled=True,
                audit=Audit(scene.guild.id, scene.moderator.id, "disable", exercise_id, DUE),
            )
        await schedule_quiz(bot, scene, manual_clock)
        for day in range(2):
            await advance_to(manual_clock, DUE + timedelta(days=day))
            title = f"{(DUE + timedelta(days=day)):%A %d %B}"
            await loopback.wait_for_message(lambda m, on=title: m.content.endswith(on))
            await round_(bot)
    titles = [p.embeds[0]["title"] for p in quiz_posts(loopback, scene)]
    assert titles == [e2e_catalog().get(kept).title] * 2  # the only one left, every day
