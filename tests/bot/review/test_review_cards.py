"""Review cards in the store and the practice flow, on SQLite and PostgreSQL: final outcomes
make and move cards per server and member, the clock moved across weeks and a daylight-
saving change brings them due, /forget-me deletes them, a changed exercise keeps its card."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.practice.flow import Clicked, Practice
from bot.review.flow import Reviews
from bot.review.recorder import ReviewRecorder
from bot.review.schedule import FinalOutcome, ReviewSchedule
from bot.store import TutorStore
from exercises import Catalog
from exercises.shown_order import post_order
from tests.bot.practice.test_flow import catalog_with_gather
from tests.clock import ManualClock

GUILD, OTHER_GUILD, CHANNEL = 10, 11, 20
ALICE, BOB = 1001, 1002
PARIS = ZoneInfo("Europe/Paris")
# Saturday 2027-03-27, 10:00 in Paris (CET); the clocks go forward that night.
BEFORE_DST = datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
_interactions = itertools.count(1)


def reviewing(store: TutorStore, clock: ManualClock, catalog: Catalog | None = None) -> Reviews:
    recorder = ReviewRecorder(store.review_cards, ReviewSchedule(fuzz=False), clock)
    practice = Practice(
        store=store, catalog=catalog or catalog_with_gather(), clock=clock, reviews=recorder
    )
    return Reviews(practice)


async def answer(reviews: Reviews, exercise_id: str, member: int, *answers: str) -> None:
    practice = reviews.practice
    exercise = practice.catalog.get(exercise_id)
    post, _ = await practice.create_post(exercise, guild_id=GUILD, channel_id=CHANNEL)
    on_buttons = post_order(exercise, post.post_id, post.option_order).to_ids
    for given in answers:  # file letters, as the post's buttons carry them
        clicked = Clicked(post.post_id, CHANNEL, None, member, next(_interactions))
        await practice.submit(clicked, on_buttons(given), from_panel=True)


async def due(reviews: Reviews, member: int = ALICE) -> list[str]:
    now = reviews.practice.clock.now()
    cards = await reviews.cards.due(guild_id=GUILD, member_id=member, now=now)
    return [card.exercise_id for card in cards]


async def test_a_missed_exercise_comes_back_after_growing_intervals(store: TutorStore) -> None:
    clock = ManualClock(BEFORE_DST)
    reviews = reviewing(store, clock)
    await answer(reviews, "demo/gather", ALICE, "AAA", "BBB")
    cards = store.review_cards
    assert await cards.card(guild_id=GUILD, member_id=ALICE, exercise_id="demo/gather") is None
    await answer(reviews, "demo/gather", ALICE, "CCC")  # a new post; attempts on the first remain
    await answer(reviews, "demo/return-json", ALICE, "B", "C", "D")  # missed: final
    assert await due(reviews) == []
    await clock.advance(timedelta(hours=23, minutes=59).total_seconds())
    assert await reviews.due_today(guild_id=GUILD, member_id=ALICE, zone=PARIS) == 1
    assert await due(reviews) == []
    # Sunday, across the change to summer time
    await clock.advance(timedelta(minutes=1).total_seconds())
    assert await due(reviews) == ["demo/return-json"]
    served = await reviews.serve(guild_id=GUILD, member_id=ALICE, channel_id=CHANNEL)
    assert served.content == "**Review** (only you see this): the last one due."
    assert served.embed is not None
    assert "JSON" in served.embed.description
    due_dates = []
    for _ in range(3):  # solved at the first try each time it comes back
        await answer(reviews, "demo/return-json", ALICE, "A")
        card = await store.review_cards.card(
            guild_id=GUILD, member_id=ALICE, exercise_id="demo/return-json"
        )
        assert card is not None
        due_dates.append(card.due)
        await clock.advance((card.due - clock.now()).total_seconds())
    assert due_dates[0] == BEFORE_DST + timedelta(days=3)  # 24 h, then 48 h; DST changes none
    gaps = [b - a for a, b in itertools.pairwise([BEFORE_DST + timedelta(days=1), *due_dates])]
    assert gaps[0] < gaps[1] < gaps[2]
    assert clock.now() - BEFORE_DST > timedelta(weeks=2)


async def test_what_is_due_today_ends_at_local_midnight_on_a_23_hour_day(store: TutorStore) -> None:
    clock = ManualClock(datetime(2027, 3, 26, 23, 30, tzinfo=UTC))  # Sat 00:30 CET
    reviews = reviewing(store, clock)
    await answer(reviews, "demo/return-json", ALICE, "B", "C", "D")  # due Sun 00:30 CET
    # Sat 23:30 CET: due at 00:30 tomorrow, not today
    await clock.advance(timedelta(hours=23).total_seconds())
    assert await reviews.due_today(guild_id=GUILD, member_id=ALICE, zone=PARIS) == 0
    # Sun 00:30 CET: the 23-hour day has begun
    await clock.advance(timedelta(hours=1).total_seconds())
    assert await reviews.due_today(guild_id=GUILD, member_id=ALICE, zone=PARIS) == 1
    assert await reviews.due_today(guild_id=GUILD, member_id=BOB, zone=PARIS) == 0


async def test_when_nothing_is_due_review_says_when_the_next_one_is(store: TutorStore) -> None:
    clock = ManualClock(BEFORE_DST)
    reviews = reviewing(store, clock)
    nothing = await reviews.serve(guild_id=GUILD, member_id=ALICE, channel_id=CHANNEL)
    assert nothing.content.startswith("Nothing to review yet")
    await answer(reviews, "demo/return-json", ALICE, "A")  # first try: a card, due in 2 days
    later = await reviews.serve(guild_id=GUILD, member_id=ALICE, channel_id=CHANNEL)
    when = int((BEFORE_DST + timedelta(days=2)).timestamp())
    assert later.content == (
        f"Nothing to review now. Your next review is due <t:{when}:f> (<t:{when}:R>)."
    )
    assert later.embed is None


async def test_cards_are_per_server_and_member_and_forget_me_deletes_them(
    store: TutorStore,
) -> None:
    clock = ManualClock(BEFORE_DST)
    recorder = ReviewRecorder(store.review_cards, ReviewSchedule(fuzz=False), clock)
    for guild, member in ((GUILD, ALICE), (GUILD, BOB), (OTHER_GUILD, ALICE)):
        await recorder.record(
            guild_id=guild, member_id=member, exercise_id="demo/gather", result=FinalOutcome.MISSED
        )
    await recorder.record(
        guild_id=GUILD, member_id=BOB, exercise_id="demo/gather", result=FinalOutcome.MISSED
    )
    cards = store.review_cards
    bob = await cards.card(guild_id=GUILD, member_id=BOB, exercise_id="demo/gather")
    assert bob is not None
    assert (bob.reviews, bob.misses) == (2, 2)
    assert await cards.missed_most(GUILD, limit=5) == ["demo/gather"]
    await store.servers.forget_member(guild_id=GUILD, member_id=ALICE, now=clock.now())
    later = clock.now() + timedelta(days=30)
    assert await cards.due(guild_id=GUILD, member_id=ALICE, now=later) == []
    assert len(await cards.due(guild_id=OTHER_GUILD, member_id=ALICE, now=later)) == 1
    assert len(await cards.due(guild_id=GUILD, member_id=BOB, now=later)) == 1


async def test_a_changed_exercise_keeps_its_card(store: TutorStore) -> None:
    clock = ManualClock(BEFORE_DST)
    reviews = reviewing(store, clock)
    await answer(reviews, "demo/return-json", ALICE, "B", "C", "D")
    catalog = reviews.practice.catalog
    changed = dataclasses.replace(catalog.get("demo/return-json"), content_hash="new-hash")
    reviews = reviewing(
        store, clock, Catalog(catalog.packs, {**catalog.exercises, changed.id: changed})
    )
    await clock.advance(timedelta(days=1).total_seconds())
    assert await due(reviews) == ["demo/return-json"]
    await answer(reviews, "demo/return-json", ALICE, "A")  # the new version, at the first try
    card = await store.review_cards.card(
        guild_id=GUILD, member_id=ALICE, exercise_id="demo/return-json"
    )
    assert card is not None
    assert (card.reviews, card.misses) == (2, 1)
