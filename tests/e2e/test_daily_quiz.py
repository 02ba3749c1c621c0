"""Daily quizzes posted exactly once, end to end: the real bot against the loopback Discord.

The clock is the test's: the scheduler sleeps on it, and the test advances it to due times.
`scheduler.next_round()` waits for a whole round that began after the call, so a test can say
"and nothing more was posted" without sleeping.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.app import TutorBot
from bot.custom_ids import AnswerChoice
from bot.practice import QUIZ_CLOSED
from bot.quiz.scheduler import QuizScheduler, delivery_nonce
from bot.render import Rendered
from bot.sandbox import LoopbackDiscord, Member, Message
from bot.sandbox.channel_history import delete_channel
from bot.sandbox.model import ATTACH_FILES
from bot.store import Audit, TutorStore
from bot.store.records import DeliveryStatus, Question, Schedule
from exercises import Difficulty
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog, running_bot
from tests.e2e.settings_helper import configure
from tests.loopback_fixtures import Scene

# ManualClock starts at 2026-11-25 12:00 UTC, 13:00 in Berlin; the quiz is due at 14:00 there.
DUE = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


@pytest.fixture
def manual_clock() -> ManualClock:
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


async def test_the_closing_summary_counts_answers_names_top_scorers_and_attaches_a_chart(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    carol = loopback.add_member(scene.guild, "carol")
    bot_member = loopback.bot_member(scene.guild)
    await loopback.set_permissions(scene.channel, bot_member, allow=ATTACH_FILES)
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        await schedule_quiz(bot, scene, manual_clock, difficulty=Difficulty.MEDIUM)
        await advance_to(manual_clock, DUE)
        quiz = await loopback.wait_for_message(lambda m: m.content.startswith("**Daily quiz**"))
        await round_(bot)  # the scheduler sleeps again, on the clock
        post_id = int(next(iter(quiz.buttons())).split(":")[2])

        async def pick(member: Member, letter: str) -> None:
            clicked = await loopback.click(member, quiz, AnswerChoice(post_id, letter).to_id())
            await loopback.reply_to(clicked)

        await pick(scene.alice, "B")  # right first time: 20 points
        await pick(scene.bob, "A")
        await pick(scene.bob, "B")  # right at the second try: 10 points
        await pick(carol, "C")
        await advance_to(manual_clock, DUE + timedelta(days=1))
        results = await loopback.wait_for_message(lambda m: "results" in m.content)
        await loopback.wait_for_message(lambda m: "Thursday 26 November" in m.content)
        await round_(bot)
        late = await loopback.click(carol, quiz, AnswerChoice(post_id, "B").to_id())
        refused = await loopback.reply_to(late)
    assert refused.ephemeral
    assert refused.content == QUIZ_CLOSED  # answers after the results no longer count
    title = e2e_catalog().get("demo/define-async-view").title
    assert results.content.splitlines() == [
        "**Daily quiz results** · Wednesday 25 November",
        "3 members answered, 2 solved at least one.",
        "Top scorers: alice (20 points), bob (10 points)",
        "First answers per question (✓ marks the right option):",
        f"1. {title}: 3 answered, 2 solved",
        "   A 33% · B ✓ 33% · C 33%",
    ]
    (attachment,) = results.payload()["attachments"]
    assert attachment["filename"] == "pick-rates.png"
    chart = Image.open(io.BytesIO(loopback.world.attachments[int(attachment["id"])].data))
    assert chart.format == "PNG"
    assert chart.width == 480
    posts_in_order = [m for m in loopback.messages(scene.channel) if "Daily quiz" in m.content]
    assert [m.content.split(" · ")[0] for m in posts_in_order] == [
        "**Daily quiz**",
        "**Daily quiz results**",  # closed before the next day's quiz is posted
        "**Daily quiz**",
    ]
    assert sum("results" in m.content for m in posts_in_order) == 1


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
