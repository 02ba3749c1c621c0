"""Daily quizzes when something goes wrong: a crash before or after posting, a bot that was
down at the due time, a send Discord refused, a channel the bot may not or can no longer use.
Each is still posted exactly once, late within the grace window, or the schedule is paused
and the moderators are told.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.quiz.scheduler import QuizScheduler, delivery_nonce
from bot.render import Rendered
from bot.sandbox import LoopbackDiscord
from bot.sandbox.channel_history import delete_channel
from bot.store import TutorStore
from bot.store.records import DeliveryStatus
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog, running_bot
from tests.e2e.daily_quiz import (
    DUE,
    advance_to,
    claim_as_a_crashed_process,
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


async def test_a_crash_between_claim_and_post_is_completed_once_on_restart(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with running_bot(loopback, scene, manual_clock, database) as bot:
        await schedule_quiz(bot, scene, manual_clock)
    await advance_to(manual_clock, DUE)
    await claim_as_a_crashed_process(database, manual_clock)

    async with running_bot(loopback, scene, manual_clock, database) as restarted:
        await round_(restarted)
        assert quiz_posts(loopback, scene) == []  # the claim's lease still runs
        await manual_clock.advance(150)  # the lease has run out: the claim is taken over
        await loopback.wait_for_message(lambda m: m.content.startswith("**Daily quiz**"))
        await manual_clock.advance(600)
        await round_(restarted)
    (post,) = quiz_posts(loopback, scene)
    assert post.embeds[0]["title"] == e2e_catalog().get("demo/define-async-view").title


class _KilledAfterSending(BaseException):
    """The process dies after Discord took the message, before the store heard of it."""


async def test_a_post_sent_before_a_crash_is_found_in_the_channel_not_sent_again(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with running_bot(loopback, scene, manual_clock, database) as bot:
        await schedule_quiz(bot, scene, manual_clock)
        poster = bot.quiz_scheduler.poster

        class DiesAfterSending:
            async def send(
                self,
                channel_id: int,
                rendered: Rendered,
                *,
                nonce: str,
                ping_role: int | None = None,
            ) -> int:
                await poster.send(channel_id, rendered, nonce=nonce)
                raise _KilledAfterSending

            find_posts = poster.find_posts
            tell_moderators = poster.tell_moderators
            send_results = poster.send_results

        doomed = QuizScheduler(  # another process, whose clock already shows the due time
            quizzes=bot.practice.store.quizzes,
            catalog=bot.practice.catalog,
            clock=ManualClock(DUE),
            poster=DiesAfterSending(),
            render_post=bot.quiz_scheduler.render_post,
            servers=bot.practice.store.servers,
            cards=bot.practice.store.review_cards,
            process="doomed",
        )
        with pytest.raises(_KilledAfterSending):
            await doomed.tick()
        assert len(quiz_posts(loopback, scene)) == 1
        # Ten minutes after the due time Discord no longer knows the nonce; the channel still
        # has the post, so the bot that takes the claim over finds it instead of posting again.
        await advance_to(manual_clock, DUE + timedelta(minutes=10))
        await round_(bot)
        await round_(bot)
    (post,) = quiz_posts(loopback, scene)
    nonce_sends = [
        r
        for r in loopback.requests
        if r.method == "POST"
        and isinstance(r.body, dict)
        and r.body.get("nonce") == delivery_nonce(1, 0)
    ]
    assert len(nonce_sends) == 1
    async with await TutorStore.open(database) as store:
        (delivery,) = await store.quizzes.deliveries(1)
    assert delivery.status is DeliveryStatus.POSTED
    assert delivery.posts[0].message_id == post.id


async def test_a_missed_post_inside_the_grace_window_is_sent_on_start_up(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "t.sqlite3"
    async with running_bot(loopback, scene, manual_clock, database) as bot:
        await schedule_quiz(bot, scene, manual_clock)
    await advance_to(manual_clock, DUE + timedelta(minutes=110))  # down over the due time
    async with running_bot(loopback, scene, manual_clock, database) as restarted:
        await loopback.wait_for_message(lambda m: m.content.startswith("**Daily quiz**"))
        await round_(restarted)
    (post,) = quiz_posts(loopback, scene)
    assert post.created_at == DUE + timedelta(minutes=110)


async def test_a_missed_post_outside_the_grace_window_is_skipped_and_logged(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = tmp_path / "t.sqlite3"
    async with running_bot(loopback, scene, manual_clock, database) as bot:
        await schedule_quiz(bot, scene, manual_clock)
    await advance_to(manual_clock, DUE + timedelta(hours=2, minutes=1))
    async with running_bot(loopback, scene, manual_clock, database) as restarted:
        await round_(restarted)
        assert quiz_posts(loopback, scene) == []
        assert "daily quiz 1 for 2026-11-25 skipped" in caplog.text
        await advance_to(manual_clock, DUE + timedelta(days=1))  # the next day is posted
        await loopback.wait_for_message(lambda m: "Thursday 26 November" in m.content)
    assert len(quiz_posts(loopback, scene)) == 1


async def test_a_channel_without_permission_pauses_the_schedule_and_tells_the_log_channel(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    log_channel = loopback.add_channel(scene.guild, "mod-log")
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        quizzes = bot.practice.store.quizzes
        await configure(
            bot.practice.store, scene.guild.id, manual_clock.now(), log_channel_id=log_channel.id
        )
        await schedule_quiz(bot, scene, manual_clock)
        loopback.fail("POST", f"/channels/{scene.channel.id}/messages", status=403, code=50013)
        await advance_to(manual_clock, DUE)
        line = await loopback.wait_for_message(lambda m: m.channel_id == log_channel.id)
        await round_(bot)
        (schedule,) = await quizzes.schedules()
        listed = await loopback.reply_to(
            await loopback.run_command(scene.moderator, scene.channel, "quiz list")
        )
        await advance_to(manual_clock, DUE + timedelta(days=1))
        await round_(bot)
    assert line.content == (
        f"Paused daily quiz #1 in <#{scene.channel.id}>: I may not post in "
        f"<#{scene.channel.id}>: give me View Channel, Send Messages, Embed Links and Read "
        "Message History there. Fix that, then run `/quiz resume 1`."
    )
    assert schedule.paused
    assert "may not post" in (schedule.last_error or "")
    assert listed.content.startswith("**paused** · #1")
    assert listed.content.endswith(
        f"last error: I may not post in <#{scene.channel.id}>: give "
        "me View Channel, Send Messages, Embed Links and Read Message History there."
    )
    assert quiz_posts(loopback, scene) == []  # paused: no retry the next day either
    sends = [r for r in loopback.requests if r.path == f"/channels/{scene.channel.id}/messages"]
    assert [r.status for r in sends] == [403]


async def test_a_deleted_channel_pauses_the_schedule(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        await schedule_quiz(bot, scene, manual_clock)
        delete_channel(loopback.world, scene.channel)
        await advance_to(manual_clock, DUE)
        await round_(bot)
        await round_(bot)
        (schedule,) = await bot.practice.store.quizzes.schedules()
    assert schedule.paused
    assert schedule.pause_reason == f"the channel <#{scene.channel.id}> no longer exists."


async def test_a_failed_send_is_tried_again_with_backoff_not_at_once(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    messages = f"/channels/{scene.channel.id}/messages"
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        await schedule_quiz(bot, scene, manual_clock)
        loopback.fail(
            "POST", messages, status=400, code=50035, message="Invalid Form Body", times=2
        )
        await advance_to(manual_clock, DUE)
        await round_(bot)
        await manual_clock.advance(120)  # the first retry, two minutes later: fails again
        await round_(bot)
        await manual_clock.advance(120)  # backing off: four minutes this time
        await round_(bot)
        assert quiz_posts(loopback, scene) == []
        await manual_clock.advance(120)
        await loopback.wait_for_message(lambda m: m.content.startswith("**Daily quiz**"))
        await round_(bot)
    sends = [r for r in loopback.requests if r.method == "POST" and r.path == messages]
    assert [(r.arrived_at - DUE, r.status) for r in sends] == [
        (timedelta(0), 400),
        (timedelta(minutes=2), 400),
        (timedelta(minutes=6), 200),
    ]
