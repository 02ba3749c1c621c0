"""A member's practice, end to end: the real bot, the real discord.py, the loopback Discord."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.app import TutorBot
from bot.errors import STALE_BUTTON
from bot.interactions.custom_ids import Hint, OpenPanel, PanelChoice, Report
from bot.render import PRACTICE_ONLY
from bot.sandbox import LoopbackDiscord, Member, Message
from exercises.shown_order import BY_POST, post_order
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, e2e_catalog, on_buttons, practice, running_bot, with_exercise
from tests.loopback_fixtures import Scene


@pytest.fixture
async def bot(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[TutorBot]:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        yield bot


def post_id_of(post: Message) -> int:
    return int(next(iter(post.buttons())).split(":")[2])


def shown_letters(post: Message) -> Callable[[str], str]:
    """File letters -> the letters this post shows them as (the e2e catalog's gather)."""
    return post_order(e2e_catalog().get("demo/gather"), post_id_of(post), BY_POST).shown


async def filled_panel(
    loopback: LoopbackDiscord, member: Member, post: Message, letters: str
) -> Message:
    """Open the private panel and choose a letter per blank: the panel, ready to submit."""
    post_id = post_id_of(post)
    panel = await loopback.reply_to(await loopback.click(member, post, OpenPanel(post_id).to_id()))
    chosen = "_" * len(letters)  # as the buttons name options: the letters shown
    for blank, letter in enumerate(letters, start=1):
        choice = PanelChoice(post_id, chosen, blank, on_buttons(post, letter))
        panel = await loopback.reply_to(await loopback.click(member, panel, choice.to_id()))
        chosen = choice.chosen_after()
    return panel


async def submit(loopback: LoopbackDiscord, member: Member, panel: Message) -> Message:
    (submit_id,) = [custom_id for custom_id in panel.buttons() if custom_id.startswith("t1:s:")]
    return await loopback.reply_to(await loopback.click(member, panel, submit_id))


async def answer_blanks(
    loopback: LoopbackDiscord, member: Member, post: Message, letters: str
) -> Message:
    """Open the panel, choose, submit: the feedback message."""
    return await submit(loopback, member, await filled_panel(loopback, member, post, letters))


async def test_practice_posts_an_exercise_with_its_buttons(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")

    assert not post.ephemeral
    (embed,) = post.embeds
    assert embed["title"] == "Gather two tasks"
    assert "await asyncio.gather(⟦1⟧(), ⟦2⟧())" in embed["description"]
    post_id = post_id_of(post)
    assert list(post.buttons()) == [
        OpenPanel(post_id).to_id(),
        Hint(post_id).to_id(),
        Report(post_id).to_id(),
    ]
    assert loopback.messages(scene.channel) == [post]


async def test_three_blanks_wrong_then_right_with_feedback_and_attempts_left(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")

    shown = shown_letters(post)
    wrong = await answer_blanks(loopback, scene.alice, post, "BBC")
    right = await answer_blanks(loopback, scene.alice, post, "ABC")

    assert wrong.ephemeral
    assert f"Blank ⟦1⟧: **{shown('B')}** - task_two belongs in" in wrong.content
    assert "⟦2⟧: **" not in wrong.content  # the right blanks are not listed as wrong
    assert "2 attempts left." in wrong.content
    assert "✅ Correct! **+15 points**." in right.content
    assert f"Final answer: ⟦1⟧ = {shown('A')} (task_one)" in right.content
    assert loopback.ephemeral_replies(scene.bob) == []


async def test_attempts_run_out_the_solution_shows_and_more_is_refused(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")
    replies = [await answer_blanks(loopback, scene.alice, post, wrong) for wrong in ("AAA", "BBD")]
    spare_panel = await filled_panel(loopback, scene.alice, post, "ABC")  # opened in time
    last = await answer_blanks(loopback, scene.alice, post, "DDD")
    further = await submit(loopback, scene.alice, spare_panel)

    assert "2 attempts left." in replies[0].content
    assert "1 attempt left." in replies[1].content
    assert "That was your last attempt." in last.content
    a, b, c = shown_letters(post)("ABC")
    assert f"Final answer: ⟦1⟧ = {a} (task_one), ⟦2⟧ = {b} (task_two), ⟦3⟧ = {c}" in last.content
    assert further.content.startswith("You have used every attempt on this exercise.")
    assert "✅" not in further.content
    opened = await loopback.click(scene.alice, post, OpenPanel(post_id_of(post)).to_id())
    refused = await loopback.reply_to(opened)
    assert refused.content.startswith("You have used every attempt on this exercise.")
    assert refused.buttons() == {}


async def test_two_members_answer_the_same_message_independently(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "medium")

    alice = await loopback.reply_to(await loopback.click(scene.alice, post, answer_id(post, "A")))
    bob = await loopback.reply_to(await loopback.click(scene.bob, post, answer_id(post, "B")))

    assert "❌" in alice.content
    assert "2 attempts left." in alice.content
    assert "✅ Correct! **+20 points**." in bob.content  # medium
    assert loopback.ephemeral_replies(scene.alice) == [alice]
    assert loopback.ephemeral_replies(scene.bob) == [bob]


async def test_a_hint_is_recorded_and_reduces_the_points(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "medium")
    post_id = post_id_of(post)

    hint = await loopback.reply_to(await loopback.click(scene.alice, post, Hint(post_id).to_id()))
    right = await loopback.reply_to(await loopback.click(scene.alice, post, answer_id(post, "B")))

    assert hint.ephemeral
    assert hint.content.startswith("💡 Hint 1 of 1: The keyword goes before def.")
    assert "+16 points" in right.content  # medium: 20, less 4 for the hint


async def test_twenty_concurrent_submissions_record_at_most_the_limit(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")
    twenty_wrong = ["".join(letters) for letters in itertools.product("BCD", repeat=3)][:20]
    panels = [await filled_panel(loopback, scene.alice, post, answer) for answer in twenty_wrong]

    replies = await asyncio.gather(*(submit(loopback, scene.alice, panel) for panel in panels))

    progress = await bot.practice.store.progress_on_post(
        post_id=post_id_of(post), member_id=scene.alice.id
    )
    assert progress.attempts_used == 3
    feedback = [reply for reply in replies if reply.content.startswith("❌")]
    refused = [reply for reply in replies if reply.content.startswith("You have used every")]
    assert (len(feedback), len(refused)) == (3, 17)


async def test_a_double_click_costs_one_attempt(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "medium")
    button = answer_id(post, "A")

    clicks = await asyncio.gather(*(loopback.click(scene.alice, post, button) for _ in range(2)))
    replies = [await loopback.reply_to(clicked) for clicked in clicks]

    assert sorted("tried this answer before" in reply.content for reply in replies) == [False, True]
    assert all("2 attempts left." in reply.content for reply in replies)


@pytest.mark.parametrize(
    "forged",
    ["t1:a:999:A", "t1:a:1:Z", "t1:a:x:A", "nonsense", "t1:s:1:ABC", "t1:a:1:A" + "9" * 90],
    ids=["unknown post", "no such letter", "malformed", "not ours", "panel id", "too long"],
)
async def test_a_forged_button_is_refused_without_a_crash(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot, forged: str
) -> None:
    post = await practice(loopback, scene, "medium")

    reply = await loopback.reply_to(await loopback.click(scene.alice, post, forged, forged=True))

    assert reply.ephemeral
    assert reply.content == STALE_BUTTON
    progress = await bot.practice.store.progress_on_post(
        post_id=post_id_of(post), member_id=scene.alice.id
    )
    assert progress.attempts_used == 0
    # The bot is still answering: a real answer right after works.
    right = answer_id(post, "B")
    answer = await loopback.reply_to(await loopback.click(scene.alice, post, right))
    assert answer.content.startswith("✅ Correct!")


async def test_stats_show_a_members_own_progress_per_pack(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "medium")
    for letter in ("A", "B"):
        await loopback.reply_to(await loopback.click(scene.alice, post, answer_id(post, letter)))

    stats = await loopback.reply_to(await loopback.run_command(scene.alice, scene.channel, "stats"))
    nothing = await loopback.reply_to(await loopback.run_command(scene.bob, scene.channel, "stats"))

    assert stats.ephemeral
    assert "1 solved · 2 answers, 50% correct · 10 points" in stats.content  # 20 halved once
    assert "**Demo pack**: 1 solved" in stats.content
    assert nothing.content == "You have not answered anything yet. Try `/practice`!"


async def test_help_explains_commands_and_answering(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    help_reply = await loopback.reply_to(
        await loopback.run_command(scene.bob, scene.channel, "help")
    )

    assert help_reply.ephemeral
    assert "`/practice [pack] [difficulty]`" in help_reply.content
    assert "click **Answer**, pick an option for each blank, then **Submit**" in help_reply.content


async def test_a_member_cannot_flood_a_channel_with_practice(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    async with running_bot(
        loopback, scene, manual_clock, tmp_path / "db.sqlite3", practice_cooldown_seconds=30
    ):
        first = await practice(loopback, scene, "easy")
        second = await practice(loopback, scene, "easy")
        other = await loopback.reply_to(
            await loopback.run_command(scene.bob, scene.channel, "practice", pack="demo")
        )

    assert not first.ephemeral
    assert second.ephemeral
    assert second.content.startswith("Slow down a little: try again in")
    assert not other.ephemeral  # another member is not held up
    assert len(loopback.messages(scene.channel)) == 2


async def test_points_are_earned_once_per_member_and_exercise(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    choice = e2e_catalog().get("demo/define-async-view")  # medium here; B is right
    two_tries = with_exercise(dataclasses.replace(choice, attempts=2))
    async with running_bot(
        loopback, scene, manual_clock, tmp_path / "tutor.sqlite3", catalog=two_tries
    ):

        async def answer(member: Member, post: Message, letter: str) -> str:
            button = answer_id(post, letter)
            return (await loopback.reply_to(await loopback.click(member, post, button))).content

        first = await practice(loopback, scene, "medium")
        await answer(scene.alice, first, "A")
        ran_out = await answer(scene.alice, first, "C")  # the solution is shown
        second = await practice(loopback, scene, "medium")
        alice_wrong = await answer(scene.alice, second, "A")
        alice_right = await answer(scene.alice, second, "B")
        bob_right = await answer(scene.bob, second, "B")
        third = await practice(loopback, scene, "medium")
        bob_again = await answer(scene.bob, third, "B")
        stats = await loopback.reply_to(
            await loopback.run_command(scene.alice, scene.channel, "stats")
        )

    assert "That was your last attempt." in ran_out
    assert alice_wrong.startswith("❌ Not quite.")
    assert PRACTICE_ONLY in alice_wrong
    assert "1 attempt left." in alice_wrong  # normal feedback otherwise
    assert alice_right.startswith(f"✅ Correct! {PRACTICE_ONLY}")
    assert "points**" not in alice_right
    assert "Worked solution" in alice_right
    assert bob_right.startswith("✅ Correct! **+20 points**.")  # per member
    assert bob_again.startswith(f"✅ Correct! {PRACTICE_ONLY}")  # solved before: practice too
    assert "· 0 points" in stats.content
