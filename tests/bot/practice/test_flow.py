"""The practice flow against a real SQLite store, without Discord: what each click yields."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.errors import Refused
from bot.practice.flow import Clicked, Practice
from bot.practice.run_it import RUNNER_UNAVAILABLE
from bot.store import TutorStore
from exercises import Catalog, Difficulty, load_catalog
from exercises.shown_order import BY_POST, post_order
from tests.clock import ManualClock
from tests.exercises.test_grading import gather_exercise
from tests.store_template import new_sqlite_store

GOOD = Path(__file__).parents[2] / "exercises" / "fixtures" / "good"
GUILD, CHANNEL, MESSAGE = 10, 20, 30
ALICE, BOB = 1001, 1002
_interactions = itertools.count(1)


def catalog_with_gather() -> Catalog:
    catalog = load_catalog(GOOD)
    gather = gather_exercise()
    return Catalog(catalog.packs, {**catalog.exercises, gather.id: gather})


@pytest.fixture
async def practice(tmp_path: Path) -> AsyncIterator[Practice]:
    database = await new_sqlite_store(tmp_path / "tutor.sqlite3")
    async with await TutorStore.open(database) as store:
        yield Practice(store=store, catalog=catalog_with_gather(), clock=ManualClock())


async def posted(practice: Practice, exercise_id: str) -> int:
    post, _ = await practice.create_post(
        practice.catalog.get(exercise_id), guild_id=GUILD, channel_id=CHANNEL
    )
    await practice.store.set_post_message(post.post_id, MESSAGE)
    return post.post_id


def click(post_id: int, member: int = ALICE, *, message_id: int | None = MESSAGE) -> Clicked:
    return Clicked(post_id, CHANNEL, message_id, member, next(_interactions))


def on_buttons(practice: Practice, post_id: int, exercise_id: str) -> Callable[[str], str]:
    """File letters as the post's buttons carry them: the letters the post shows."""
    return post_order(practice.catalog.get(exercise_id), post_id, BY_POST).to_ids


async def test_wrong_then_right_on_three_blanks(practice: Practice) -> None:
    post_id = await posted(practice, "demo/gather")

    shown = post_order(practice.catalog.get("demo/gather"), post_id, BY_POST).shown
    ids = on_buttons(practice, post_id, "demo/gather")

    wrong = await practice.submit(click(post_id, message_id=None), ids("BBC"), from_panel=True)
    right = await practice.submit(click(post_id, message_id=None), ids("ABC"), from_panel=True)

    # the buttons and the replies name options as the post shows them
    assert f"Blank ⟦1⟧: **{shown('B')}** - task_two belongs in the second place." in wrong.content
    assert "2 attempts left." in wrong.content
    assert "✅ Correct! **+15 points**." in right.content  # hard: 30, halved once
    assert f"Final answer: ⟦1⟧ = {shown('A')} (task_one)" in right.content


async def test_attempts_run_out_then_the_solution_and_refusal(practice: Practice) -> None:
    post_id = await posted(practice, "demo/gather")
    for answer in ("AAA", "BBB", "CCC"):
        last = await practice.submit(click(post_id, message_id=None), answer, from_panel=True)

    assert "That was your last attempt." in last.content
    assert "Worked solution" in last.content
    refused = await practice.submit(click(post_id, message_id=None), "ABC", from_panel=True)
    assert refused.content.startswith("You have used every attempt on this exercise.")
    with pytest.raises(Refused, match="every attempt"):
        await practice.open_panel(click(post_id))


async def test_two_members_answer_one_post_independently(practice: Practice) -> None:
    post_id = await posted(practice, "demo/return-json")
    ids = on_buttons(practice, post_id, "demo/return-json")

    alice = await practice.submit(click(post_id, ALICE), ids("B"), from_panel=True)
    bob = await practice.submit(click(post_id, BOB), ids("A"), from_panel=True)

    assert "2 attempts left." in alice.content
    assert "+10 points" in bob.content
    assert await practice.store.post_counters(post_id) == (2, 1)


async def test_a_hint_is_recorded_and_costs_points(practice: Practice) -> None:
    post_id = await posted(practice, "demo/return-json")

    hint = await practice.take_hint(click(post_id))
    again = await practice.take_hint(click(post_id))
    ids = on_buttons(practice, post_id, "demo/return-json")
    solved = await practice.submit(click(post_id), ids("A"), from_panel=True)

    assert hint.content.startswith("💡 Hint 1 of 1: Django has a response class")
    assert "2 points less" in hint.content
    assert "less" not in again.content  # the same hint again is free
    assert "+8 points" in solved.content  # easy: 10 - 2 for the hint


async def test_twenty_concurrent_submissions_record_at_most_the_limit(practice: Practice) -> None:
    post_id = await posted(practice, "demo/gather")
    answers = ["".join(letters) for letters in itertools.product("BCD", repeat=3)][:20]

    await asyncio.gather(
        *(
            practice.submit(click(post_id, message_id=None), answer, from_panel=True)
            for answer in answers
        )
    )

    progress = await practice.store.progress_on_post(post_id=post_id, member_id=ALICE)
    assert progress.attempts_used == 3


@pytest.mark.parametrize(
    ("post_offset", "channel", "message"),
    [(1, CHANNEL, MESSAGE), (0, CHANNEL + 1, MESSAGE), (0, CHANNEL, MESSAGE + 1)],
    ids=["unknown post", "another channel", "another message"],
)
async def test_a_button_that_names_another_post_is_refused(
    practice: Practice, post_offset: int, channel: int, message: int
) -> None:
    post_id = await posted(practice, "demo/return-json")
    forged = Clicked(post_id + post_offset, channel, message, ALICE, next(_interactions))

    with pytest.raises(Refused):
        await practice.submit(forged, "A", from_panel=True)
    assert (
        await practice.store.progress_on_post(post_id=post_id, member_id=ALICE)
    ).attempts_used == 0


async def test_an_answer_that_does_not_fit_is_refused(practice: Practice) -> None:
    post_id = await posted(practice, "demo/gather")

    with pytest.raises(Refused):
        await practice.submit(
            click(post_id, message_id=None), "A_C", from_panel=True
        )  # not every blank chosen
    with pytest.raises(Refused):
        await practice.submit(click(post_id, message_id=None), "AB", from_panel=True)


async def test_choosing_an_exercise_by_pack_and_difficulty(practice: Practice) -> None:
    assert practice.choose_exercise("demo", Difficulty.HARD).id == "demo/gather"
    with pytest.raises(Refused, match="There is no pack `nope`"):
        practice.choose_exercise("nope", None)


async def test_a_letter_button_cannot_answer_a_fill_in_the_blank(practice: Practice) -> None:
    post_id = await posted(practice, "demo/return-json")

    with pytest.raises(Refused):
        await practice.submit(click(post_id), "A", from_panel=False)
    assert (
        await practice.store.progress_on_post(post_id=post_id, member_id=ALICE)
    ).attempts_used == 0


async def test_run_it_runs_only_an_answer_the_member_gave(practice: Practice) -> None:
    post_id = await posted(practice, "demo/define-async-view")
    await practice.submit(click(post_id), "A", from_panel=False)

    with pytest.raises(Refused, match="no longer matches"):
        await practice.run_it(click(post_id, message_id=None), "B")  # forged: probes B
    with pytest.raises(Refused, match="no longer matches"):
        await practice.run_it(click(post_id, BOB, message_id=None), "A")  # bob gave nothing
    mine = await practice.run_it(click(post_id, message_id=None), "A")
    assert mine.content == RUNNER_UNAVAILABLE  # allowed: only the runner is missing here


async def test_a_post_whose_exercise_was_removed_by_an_upgrade_gets_a_clear_refusal(
    practice: Practice,
) -> None:
    """Old data after an upgrade: the store still has the post; the new catalog has no such
    exercise. Every click says so in one line, and nothing is recorded."""
    post_id = await posted(practice, "demo/return-json")
    kept = {id_: e for id_, e in practice.catalog.exercises.items() if id_ != "demo/return-json"}
    practice.catalog = Catalog(practice.catalog.packs, kept)

    for attempt in (
        practice.submit(click(post_id, message_id=None), "A", from_panel=True),
        practice.open_panel(click(post_id)),
        practice.render_post(post_id),
    ):
        with pytest.raises(Refused, match="no longer matches an exercise here"):
            await attempt
    assert (
        await practice.store.progress_on_post(post_id=post_id, member_id=ALICE)
    ).attempts_used == 0
