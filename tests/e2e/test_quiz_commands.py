"""/quiz through the loopback Discord: moderators manage daily quizzes, members cannot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import TutorBot
from bot.sandbox import DriverError, LoopbackDiscord, Member
from tests.clock import ManualClock
from tests.e2e.bots import practice, running_bot
from tests.e2e.moderators import let_everyone_see
from tests.e2e.test_practice import answer_blanks
from tests.loopback_fixtures import Scene

DUE = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 14:00 in Berlin; the clock starts at 12:00 UTC


@pytest.fixture
def manual_clock() -> ManualClock:
    """These tests name days, dates and weeks, so their clock starts on a fixed Wednesday
    (whatever TEST_CLOCK_START says); the bot still reads only this clock."""
    return ManualClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@pytest.fixture
async def bot(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[TutorBot]:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        yield bot


async def quiz(
    loopback: LoopbackDiscord, scene: Scene, member: Member, sub: str, **options: object
) -> str:
    asked = await loopback.run_command(member, scene.channel, f"quiz {sub}", **options)
    answer = await loopback.reply_to(asked)
    assert answer.ephemeral
    return answer.content


async def schedule(loopback: LoopbackDiscord, scene: Scene, **options: object) -> str:
    defaults: dict[str, object] = {"channel": scene.channel, "time": "14:00", "pack": "demo"}
    return await quiz(loopback, scene, scene.moderator, "schedule", **(defaults | options))


async def test_a_moderator_schedules_a_quiz_and_it_posts_at_its_time(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    said = await schedule(loopback, scene, timezone="Europe/Berlin", count=2)
    assert said == (
        f"Scheduled daily quiz #1 in <#{scene.channel.id}> at 14:00 Europe/Berlin, pack `demo`, "
        "any difficulty, 2 questions; next Wed 25 Nov 14:00 Europe/Berlin."
    )
    await manual_clock.advance((DUE - manual_clock.now()).total_seconds())
    await loopback.wait_for_message(lambda m: "question 2/2" in m.content)


async def test_a_member_is_refused_even_where_the_server_shows_them_the_command(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    with pytest.raises(DriverError, match="may not see /quiz"):
        await loopback.run_command(scene.alice, scene.channel, "quiz list")
    # A server admin may allow everyone in Integrations settings: the bot checks again.
    let_everyone_see(loopback, scene, "quiz")
    said = await quiz(loopback, scene, scene.alice, "schedule", channel=scene.channel, time="14:00")
    assert said.startswith("Only moderators can do this: it needs the Manage Server permission")
    assert await bot.practice.store.quizzes.schedules() == []


async def test_bad_times_zones_and_counts_get_clear_errors(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    assert "e.g. `09:30`" in await schedule(loopback, scene, time="25:00")
    assert "such as `Europe/Berlin`" in await schedule(loopback, scene, timezone="Mars/Olympus")
    too_many = await schedule(loopback, scene, count=10)
    assert too_many.startswith("Pack `demo` has only ")
    assert "ask for" in too_many
    assert await bot.practice.store.quizzes.schedules() == []


async def test_the_server_time_zone_is_the_default(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    said = await schedule(loopback, scene)
    assert "at 14:00 UTC" in said  # no server setting yet: UTC
    # (issue 12's /tutor config writes guild_settings.time_zone; the schedule reads it)


async def test_list_pause_resume_remove_and_now(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    await schedule(loopback, scene, timezone="America/New_York")
    listed = await quiz(loopback, scene, scene.moderator, "list")
    assert listed == (
        f"**active** · #1 in <#{scene.channel.id}> at 14:00 America/New_York, pack `demo`, "
        "any difficulty, 1 question; next Wed 25 Nov 14:00 America/New_York"
    )
    assert (await quiz(loopback, scene, scene.moderator, "pause", number=1)).startswith(
        "Paused daily quiz #1."
    )
    paused = await quiz(loopback, scene, scene.moderator, "list")
    assert paused.startswith("**paused** · #1")
    assert f"paused (paused by <@{scene.moderator.id}>)" in paused
    assert "Resumed daily quiz #1" in await quiz(
        loopback, scene, scene.moderator, "resume", number=1
    )

    posted = await quiz(loopback, scene, scene.moderator, "now", number=1)
    assert posted == f"Posted today's quiz #1 in <#{scene.channel.id}>."
    assert [m.content for m in loopback.messages(scene.channel) if "Daily quiz" in m.content] == [
        "**Daily quiz** · Wednesday 25 November"
    ]
    again = await quiz(loopback, scene, scene.moderator, "now", number=1)
    assert again.startswith("Today's quiz #1 has already been posted")
    # ... and at 14:00 New York time it is not posted a second time that day.
    await manual_clock.advance(timedelta(hours=7).total_seconds())
    await bot.quiz_scheduler.next_round()
    assert sum("Daily quiz" in m.content for m in loopback.messages(scene.channel)) == 1

    assert "Removed daily quiz #1" in await quiz(
        loopback, scene, scene.moderator, "remove", number=1
    )
    assert (await quiz(loopback, scene, scene.moderator, "list")).startswith("No daily quizzes")
    missing = await quiz(loopback, scene, scene.moderator, "pause", number=1)
    assert missing == "There is no daily quiz #1 here. `/quiz list` shows them."


async def test_scheduling_where_the_bot_may_not_post_names_the_missing_permission(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    (bot_role,) = [r for r in scene.guild.roles.values() if r.name == "Tutor"]
    everyone = scene.guild.roles[scene.guild.id]
    send_messages = 1 << 11
    bot_role.permissions &= ~send_messages
    everyone.permissions &= ~send_messages  # before the bot connects: GUILD_CREATE carries it
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        said = await schedule(loopback, scene)
        assert await bot.practice.store.quizzes.schedules() == []
    assert said == (
        f"I cannot post in <#{scene.channel.id}>: I am missing Send Messages, Embed Links "
        "there. Give me those permissions, then schedule again."  # no sending, no embeds
    )


async def test_edit_changes_the_time_and_the_next_due_time_follows(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    await schedule(loopback, scene, timezone="Europe/Berlin")
    said = await quiz(loopback, scene, scene.moderator, "edit", number=1, time="12:30")
    assert said == (
        f"Changed daily quiz #1 in <#{scene.channel.id}> at 12:30 Europe/Berlin, pack `demo`, "
        "any difficulty, 1 question; next Thu 26 Nov 12:30 Europe/Berlin."
    )
    nothing = await quiz(loopback, scene, scene.moderator, "edit", number=1)
    assert nothing.startswith("Say what to change")


async def test_the_timezone_option_autocompletes_iana_names(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    choices = await loopback.autocomplete(
        scene.moderator, scene.channel, "quiz schedule", "timezone", "europe/ber"
    )
    assert choices == [{"name": "Europe/Berlin", "value": "Europe/Berlin"}]


async def test_a_quiz_with_most_missed_posts_what_the_server_missed_most(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    missed = await practice(loopback, scene, "hard")  # posted in the quiz's channel, too
    for wrong in ("AAA", "BBD", "DDD"):  # every attempt wrong: missed
        await answer_blanks(loopback, scene.alice, missed, wrong)
    said = await schedule(loopback, scene, timezone="Europe/Berlin", most_missed=1)
    assert said == (
        f"Scheduled daily quiz #1 in <#{scene.channel.id}> at 14:00 Europe/Berlin, pack `demo`, "
        "any difficulty, 1 question (1 of the server's most missed); "
        "next Wed 25 Nov 14:00 Europe/Berlin."
    )
    refused = await quiz(loopback, scene, scene.moderator, "edit", number=1, most_missed=2)
    assert refused == (
        "`most_missed` is how many of the 1 question are the server's most missed: from 0 to 1."
    )
    assert "(1 of the server's most missed)" in await quiz(loopback, scene, scene.moderator, "list")

    # The usual pick would take an exercise the channel has not seen; the option takes the
    # one the server missed, though it was practised here today.
    await manual_clock.advance((DUE - manual_clock.now()).total_seconds())
    quizzed = await loopback.wait_for_message(lambda m: m.content.startswith("**Daily quiz**"))
    assert quizzed.embeds[0]["title"] == missed.embeds[0]["title"] == "Gather two tasks"
    # The next day it was in the quiz within the week: the usual pick instead.
    await bot.quiz_scheduler.next_round()  # the round that posted it is over
    await manual_clock.advance(timedelta(days=1).total_seconds())
    following = await loopback.wait_for_message(lambda m: "Thursday 26 November" in m.content)
    assert following.embeds[0]["title"] != "Gather two tasks"
