"""A /review post never earns points, on SQLite and PostgreSQL: not even for an exercise the
member met only in /test, where no earlier post exists for the no-farming rule to count.
/stats and the leaderboard show only what the member earned elsewhere."""

from __future__ import annotations

import random
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.interactions.custom_ids import PatternTestChoice
from bot.practice.flow import Clicked
from bot.practice.pattern_test import PatternTests, question_order
from bot.render import REVIEW_NO_POINTS
from bot.store import TutorStore
from exercises import FillInTheBlank
from exercises.progress import BASE_POINTS, Period
from exercises.shown_order import BY_POST, post_order
from tests.bot.review.test_review_cards import ALICE, BEFORE_DST, CHANNEL, GUILD, reviewing
from tests.clock import ManualClock


async def test_solving_in_review_what_was_only_missed_in_test_earns_nothing(
    store: TutorStore,
) -> None:
    clock = ManualClock(BEFORE_DST)
    reviews = reviewing(store, clock)
    practice = reviews.practice
    tests = PatternTests(
        runs=store.pattern_tests,
        catalog=practice.catalog,
        clock=clock,
        rng=random.Random(7),
        reviews=practice.reviews,
    )
    await tests.start(guild_id=GUILD, member_id=ALICE, pack="demo")
    run = await store.pattern_tests.current(guild_id=GUILD, member_id=ALICE)
    assert run is not None
    missed = practice.catalog.get(run.questions[0].exercise_id)
    key = missed.answer_key
    wrong = next(letter for letter in missed.letters if letter != key[0]) + key[1:]
    on_buttons = question_order(missed, run).to_ids  # file letters as the buttons name them
    await tests.choose(PatternTestChoice(run.run_id, 0, on_buttons(wrong)), member_id=ALICE)

    # A practice post of another exercise, solved at the first try: what alice earns.
    other = next(e for e in practice.catalog.exercises.values() if e.id != missed.id)
    post, _ = await practice.create_post(other, guild_id=GUILD, channel_id=CHANNEL)
    panel = isinstance(other, FillInTheBlank)
    answer = post_order(other, post.post_id, post.option_order).to_ids(other.answer_key)
    await practice.submit(Clicked(post.post_id, CHANNEL, None, ALICE, 1), answer, from_panel=panel)
    earned = BASE_POINTS[other.difficulty]

    await clock.advance(timedelta(days=1).total_seconds())
    served = await reviews.serve(guild_id=GUILD, member_id=ALICE, channel_id=CHANNEL)
    assert served.embed is not None
    assert served.embed.title == missed.title
    review_post = served.buttons[0].button.post_id  # type: ignore[attr-defined]
    clicked = Clicked(review_post, CHANNEL, None, ALICE, 2)
    panel = isinstance(missed, FillInTheBlank)
    answer = post_order(missed, review_post, BY_POST).to_ids(missed.answer_key)
    solved = await practice.submit(clicked, answer, from_panel=panel)
    assert solved.content.startswith(f"✅ Correct! {REVIEW_NO_POINTS}")

    stats = await store.member_stats(guild_id=GUILD, member_id=ALICE)
    assert (stats.points, stats.solved) == (earned, 2)
    board = await store.leaderboard(
        guild_id=GUILD, period=Period.ALL_TIME, now=clock.now(), tz=ZoneInfo("UTC")
    )
    assert [(entry.member_id, entry.points) for entry in board] == [(ALICE, earned)]
