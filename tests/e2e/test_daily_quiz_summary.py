"""A daily quiz's results when it closes: answers counted, top scorers named, a chart attached."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.practice.flow import QUIZ_CLOSED
from bot.sandbox import LoopbackDiscord, Member
from bot.sandbox.model import ATTACH_FILES
from exercises import Difficulty
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, e2e_catalog, running_bot
from tests.e2e.daily_quiz import (
    DUE,
    advance_to,
    round_,
    schedule_quiz,
    wednesday_clock,
)
from tests.loopback_fixtures import Scene


@pytest.fixture
def manual_clock() -> ManualClock:
    return wednesday_clock()


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

        async def pick(member: Member, letter: str) -> None:
            clicked = await loopback.click(member, quiz, answer_id(quiz, letter))
            await loopback.reply_to(clicked)

        await pick(scene.alice, "B")  # right first time: 20 points
        await pick(scene.bob, "A")
        await pick(scene.bob, "B")  # right at the second try: 10 points
        await pick(carol, "C")
        await advance_to(manual_clock, DUE + timedelta(days=1))
        results = await loopback.wait_for_message(lambda m: "results" in m.content)
        await loopback.wait_for_message(lambda m: "Thursday 26 November" in m.content)
        await round_(bot)
        late = await loopback.click(carol, quiz, answer_id(quiz, "B"))
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
