"""A post made before posts had an order of options (no marker) keeps the file's order on
its message, its panels and its feedback; a post made now shows its own. A post made before
buttons named options by the letters shown keeps its buttons' file letters."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import STALE_BUTTON, Refused
from bot.practice.flow import Clicked, Practice
from bot.render import Rendered
from bot.store import TutorStore
from exercises.progress import PostContext
from exercises.shown_order import BY_POST_FILE_IDS
from tests.bot.practice.test_flow import catalog_with_gather
from tests.clock import ManualClock

GUILD, CHANNEL, MESSAGE, ALICE = 10, 20, 30, 1001
_interactions = itertools.count(1)


@pytest.fixture
async def practice(tmp_path: Path) -> AsyncIterator[Practice]:
    async with await TutorStore.open(tmp_path / "tutor.sqlite3") as store:
        yield Practice(store=store, catalog=catalog_with_gather(), clock=ManualClock())


def click(post_id: int) -> Clicked:
    return Clicked(post_id, CHANNEL, None, ALICE, next(_interactions))


def option_lines(rendered: Rendered) -> list[str]:
    assert rendered.embed is not None
    return [line for line in rendered.embed.description.splitlines() if line.startswith("**")]


def first_row(panel: Rendered) -> list[tuple[str, str]]:
    """The panel's first blank: (label, the option its id names)."""
    return [(b.label, b.custom_id[-1]) for b in panel.buttons if b.row == 0]


async def test_a_post_without_an_order_keeps_the_files_order_everywhere(
    practice: Practice,
) -> None:
    exercise = practice.catalog.get("demo/gather")
    old = await practice.store.create_post(
        guild_id=GUILD,
        channel_id=CHANNEL,
        exercise_id=exercise.id,
        content_hash=exercise.content_hash,
        difficulty=exercise.difficulty,
        context=PostContext.PRACTICE,
        attempt_limit=3,
        posted_at=datetime(2026, 3, 1, tzinfo=UTC),
        option_order=None,  # as every post made before revision 0003
    )
    new, _ = await practice.create_post(exercise, guild_id=GUILD, channel_id=CHANNEL)

    _, shown_old = await practice.render_post(old.post_id)
    _, shown_new = await practice.render_post(new.post_id)
    panel = await practice.open_panel(click(old.post_id))
    wrong = await practice.submit(click(old.post_id), "BBC", from_panel=True)

    assert option_lines(shown_old) == [
        "**A** `task_one`",
        "**B** `task_two`",
        '**C** `"combined"`',
        '**D** `"result"`',
    ]
    assert option_lines(shown_new) != option_lines(shown_old)  # post 2 shows A, D, B, C
    assert first_row(panel)[:4] == [("⟦1⟧ A", "A"), ("⟦1⟧ B", "B"), ("⟦1⟧ C", "C"), ("⟦1⟧ D", "D")]
    assert "Blank ⟦1⟧: **B** - task_two belongs in the second place." in wrong.content


async def test_a_forged_letter_is_still_refused_on_a_shuffled_post(practice: Practice) -> None:
    exercise = practice.catalog.get("demo/define-async-view")  # three options, A to C
    post, _ = await practice.create_post(exercise, guild_id=GUILD, channel_id=CHANNEL)

    with pytest.raises(Refused) as refused:
        await practice.submit(click(post.post_id), "D", from_panel=False)

    assert str(refused.value) == STALE_BUTTON


async def test_a_post_whose_buttons_carry_file_letters_still_takes_them(practice: Practice) -> None:
    exercise = practice.catalog.get("demo/gather")
    before = await practice.store.create_post(
        guild_id=GUILD,
        channel_id=CHANNEL,
        exercise_id=exercise.id,
        content_hash=exercise.content_hash,
        difficulty=exercise.difficulty,
        context=PostContext.PRACTICE,
        attempt_limit=3,
        posted_at=datetime(2026, 11, 1, tzinfo=UTC),
        option_order=BY_POST_FILE_IDS,  # made by a bot whose buttons named file letters
    )

    panel = await practice.open_panel(click(before.post_id))
    right = await practice.submit(click(before.post_id), "ABC", from_panel=True)

    assert first_row(panel)[:4] == [("⟦1⟧ A", "C"), ("⟦1⟧ B", "A"), ("⟦1⟧ C", "B"), ("⟦1⟧ D", "D")]
    assert right.content.startswith("✅ Correct!")


async def test_a_post_made_now_names_the_letters_it_shows(practice: Practice) -> None:
    exercise = practice.catalog.get("demo/gather")
    post, _ = await practice.create_post(exercise, guild_id=GUILD, channel_id=CHANNEL)

    panel = await practice.open_panel(click(post.post_id))  # post 1 shows C, A, B, D
    right = await practice.submit(click(post.post_id), "BCA", from_panel=True)  # the file's ABC

    assert first_row(panel)[:4] == [("⟦1⟧ A", "A"), ("⟦1⟧ B", "B"), ("⟦1⟧ C", "C"), ("⟦1⟧ D", "D")]
    assert right.content.startswith("✅ Correct!")
    given = await practice.store.answers_given(post_id=post.post_id, member_id=ALICE)
    assert given == ["ABC"]  # the store keeps the file's letters
