"""/review end to end: a member misses an exercise, finds it in /review (and counted in /stats)
the next day on the bot's clock, privately, answers it in the usual panel with feedback and
no points, and is then told when the next review is due."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import TutorBot
from bot.render import REVIEW_NO_POINTS
from bot.sandbox import LoopbackDiscord
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog, running_bot
from tests.e2e.test_pattern_test import answer, as_shown
from tests.e2e.test_pattern_test import wrong as a_wrong_answer
from tests.e2e.test_practice import answer_blanks, practice
from tests.loopback_fixtures import Scene

DAY = timedelta(days=1).total_seconds()


@pytest.fixture
async def bot(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[TutorBot]:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        yield bot


async def command(loopback: LoopbackDiscord, scene: Scene, name: str) -> str:
    answer = await loopback.reply_to(await loopback.run_command(scene.alice, scene.channel, name))
    assert answer.ephemeral
    return answer.content


async def test_a_missed_exercise_comes_back_in_review_the_next_day(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    assert (await command(loopback, scene, "review")).startswith("Nothing to review yet")
    post = await practice(loopback, scene, "hard")
    for wrong in ("AAA", "BBD", "DDD"):
        await answer_blanks(loopback, scene.alice, post, wrong)
    tomorrow = int(manual_clock.now().timestamp() + DAY)
    assert await command(loopback, scene, "review") == (
        f"Nothing to review now. Your next review is due <t:{tomorrow}:f> (<t:{tomorrow}:R>)."
    )
    assert "Reviews due today: none." in await command(loopback, scene, "stats")

    await manual_clock.advance(DAY)
    assert "Reviews due today: **1**." in await command(loopback, scene, "stats")
    asked = await loopback.run_command(scene.alice, scene.channel, "review")
    review = await loopback.reply_to(asked)
    assert review.ephemeral
    assert review.content == "**Review** (only you see this): the last one due."
    assert review.embeds[0]["title"] == "Gather two tasks"
    assert loopback.messages(scene.channel) == [post]  # nothing public
    right = await answer_blanks(loopback, scene.alice, review, "ABC")
    assert "✅ Correct!" in right.content
    assert REVIEW_NO_POINTS in right.content  # a review earns no points
    assert "Final answer: ⟦1⟧ = A (task_one)" in right.content  # the worked solution

    after = await command(loopback, scene, "review")
    assert after.startswith("Nothing to review now. Your next review is due <t:")
    assert "Reviews due today: none." in await command(loopback, scene, "stats")


async def test_a_review_of_what_was_only_missed_in_test_earns_no_points(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, bot: TutorBot
) -> None:
    asked = await loopback.run_command(scene.alice, scene.channel, "test start", pack="demo")
    question = await loopback.reply_to(asked)  # the easy one first: a fill-in of one blank
    (exercise,) = [
        e for e in e2e_catalog().in_pack("demo") if e.title == question.embeds[0]["title"]
    ]
    key = exercise.answer_key
    await answer(loopback, scene, question, as_shown(exercise, question, a_wrong_answer(exercise)))

    await manual_clock.advance(DAY)
    review = await loopback.reply_to(
        await loopback.run_command(scene.alice, scene.channel, "review")
    )
    assert review.embeds[0]["title"] == exercise.title
    right = await answer_blanks(loopback, scene.alice, review, key)
    assert right.content.startswith(f"✅ Correct! {REVIEW_NO_POINTS}")
    assert "1 solved · 1 answers, 100% correct · 0 points" in await command(
        loopback, scene, "stats"
    )
    asked = await loopback.run_command(scene.alice, scene.channel, "leaderboard")
    assert "No points yet." in (await loopback.reply_to(asked)).content
