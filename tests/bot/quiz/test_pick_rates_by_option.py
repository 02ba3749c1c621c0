"""Pick rates count options, not positions: members of posts that show the options in
different orders, clicking what their post labels, add up per option."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.interactions.custom_ids import AnswerChoice
from bot.practice.flow import Clicked, Practice, shown_order
from bot.quiz.summary import QuestionResult, QuizResults, Scorer, blanks_of, summary_text
from bot.render import Rendered
from bot.store import TutorStore
from exercises import load_catalog
from tests.clock import ManualClock

GOOD = Path(__file__).parents[2] / "exercises" / "fixtures" / "good"
GUILD, CHANNEL = 10, 20
_interactions = itertools.count(1)


@pytest.fixture
async def practice(tmp_path: Path) -> AsyncIterator[Practice]:
    async with await TutorStore.open(tmp_path / "tutor.sqlite3") as store:
        yield Practice(store=store, catalog=load_catalog(GOOD), clock=ManualClock())


def labelled(rendered: Rendered, shown: str) -> AnswerChoice:
    """The answer button a member reads as `shown` on the post."""
    (button,) = [
        spec.button
        for spec in rendered.buttons
        if isinstance(spec.button, AnswerChoice) and spec.label.split(":")[0] == shown
    ]
    return button


async def test_pick_rates_add_up_per_option_across_posts_with_different_orders(
    practice: Practice,
) -> None:
    exercise = practice.catalog.get("demo/define-async-view")  # the file's B is right
    posts = [await practice.create_post(exercise, guild_id=GUILD, channel_id=CHANNEL) for _ in "12"]
    orders = [shown_order(post, exercise) for post, _ in posts]
    assert orders[0] != orders[1]
    clicks = [(0, 1, "A"), (0, 2, "B"), (1, 3, "A")]  # (post, member, the letter read)
    for index, member, shown in clicks:
        post, rendered = posts[index]
        button = labelled(rendered, shown)
        clicked = Clicked(post.post_id, CHANNEL, None, member, next(_interactions))
        await practice.submit(clicked, button.letter, from_panel=False)

    per_post = [
        blanks_of(
            order, exercise.answer_key, await practice.store.quizzes.first_picks(post.post_id)
        )
        for order, (post, _) in zip(orders, posts, strict=True)
    ]
    totals = Counter[str]()
    for (blank,) in per_post:
        totals.update({share.option: share.picks for share in blank})

    # the same shown A was the file's C on the first post and its B on the second
    assert [order.file_letters for order in orders] == ["CBA", "BAC"]
    assert totals == {"A": 0, "B": 2, "C": 1}
    text = summary_text(
        QuizResults(
            date(2026, 3, 28),
            (Scorer(1, None, 0, 0), Scorer(2, None, 10, 1), Scorer(3, None, 10, 1)),
            tuple(QuestionResult(exercise.title, 1, 1, blanks) for blanks in per_post),
        )
    )
    assert text.splitlines()[-3:] == [
        "   A 50% · B ✓ 50% · C 0%",  # as the first post showed them
        f"2. {exercise.title}: 1 answered, 1 solved",
        "   A ✓ 100% · B 0% · C 0%",  # as the second post showed them
    ]
