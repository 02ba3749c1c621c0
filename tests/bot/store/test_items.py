"""Item analytics on a store seeded with known answers, on SQLite and PostgreSQL: one query
per pack, an exercise that changed counted apart per version, medians of odd and even counts,
and /test answers counted as posts of one answer."""

import dataclasses
import itertools
from datetime import timedelta

from exercises.items import MIN_MEMBERS, Flag, ItemStats, WrongPick, flags
from exercises.model import Difficulty
from exercises.progress import PostContext
from tests.bot.store.test_contract import ALICE, BOB, CAROL, DAVE, ERIN, GUILD, NOON, OTHER_GUILD

_interactions = itertools.count(1_500_000_000_000_000_000)


async def _post(store, exercise_id, content_hash, *, at, guild_id=GUILD, difficulty="easy"):
    return await store.create_post(
        guild_id=guild_id,
        channel_id=1_200_000_000_000_000_001,
        exercise_id=exercise_id,
        content_hash=content_hash,
        difficulty=Difficulty(difficulty),
        context=PostContext.PRACTICE,
        attempt_limit=3,
        posted_at=at,
    )


async def _answer(store, post, member, answer, right, seconds):
    await store.record_attempt(
        post_id=post.post_id,
        member_id=member,
        interaction_id=next(_interactions),
        answer=answer,
        correct=answer == right,
        answered_at=post.posted_at + timedelta(seconds=seconds),
    )


async def _seed(store):
    """p/one, whose answer is AB, was changed: version old (one post, three members) and
    new (two posts on this server, one on another); p/two was posted and never answered."""
    old = await _post(store, "p/one", "old", at=NOON)
    await _answer(store, old, ALICE, "AB", "AB", 10)
    await _answer(store, old, BOB, "CB", "AB", 20)
    await _answer(store, old, BOB, "AB", "AB", 30)
    await store.use_hint(post_id=old.post_id, member_id=BOB, hint_number=1, used_at=NOON)
    await _answer(store, old, CAROL, "CA", "AB", 40)

    new_a = await _post(store, "p/one", "new", at=NOON + timedelta(hours=1))
    new_b = await _post(store, "p/one", "new", at=NOON + timedelta(hours=2))
    await _answer(store, new_a, ALICE, "AB", "AB", 5)
    await _answer(store, new_b, DAVE, "AB", "AB", 15)
    await _answer(store, new_b, ALICE, "AB", "AB", 25)
    await _answer(store, new_b, ERIN, "BB", "AB", 35)
    await store.servers.add_report(
        new_a, member_id=ERIN, reason="typo", reported_at=NOON, since=NOON, budget=5
    )

    elsewhere = await _post(store, "p/one", "new", at=NOON, guild_id=OTHER_GUILD)
    await _answer(store, elsewhere, CAROL, "AB", "AB", 50)
    await _post(store, "p/two", "two", at=NOON, difficulty="hard")
    other_pack = await _post(store, "pone/x", "x", at=NOON)  # "p/" is not its prefix
    await _answer(store, other_pack, ALICE, "A", "A", 1)


async def _run(store, member, asked, answers, *, at, guild_id=GUILD):
    """A /test run of `asked` (exercise, version, difficulty) started at `at`, its first
    questions answered in turn: (answer, right, seconds after the one before)."""
    questions = [(e, h, Difficulty(d)) for e, h, d in asked]
    run = await store.pattern_tests.start(
        guild_id=guild_id, member_id=member, pack="p", questions=questions, now=at
    )
    for position, (answer, right, seconds) in enumerate(answers):
        at += timedelta(seconds=seconds)
        await store.pattern_tests.answer(
            run.run_id, position=position, answer=answer, correct=answer == right, now=at
        )


async def _seed_tests(store):
    """/test runs beside `_seed`'s posts: erin answers p/one's new version right (12 s) and
    p/two wrong (40 s after that) and stops at p/three; bob misses p/one (8 s); alice
    reaches p/two and answers nothing; carol answers p/one on the other server (100 s)."""
    at = NOON + timedelta(hours=3)
    one, two, three = ("p/one", "new", "easy"), ("p/two", "two", "hard"), ("p/three", "3", "medium")
    await _run(store, ERIN, [one, two, three], [("AB", "AB", 12), ("C", "A", 40)], at=at)
    await _run(store, BOB, [one], [("BA", "AB", 8)], at=at)
    await _run(store, ALICE, [two, one], [], at=at)
    await _run(store, CAROL, [one], [("AB", "AB", 100)], at=at, guild_id=OTHER_GUILD)


async def test_each_version_is_counted_apart_with_what_members_did(store):
    await _seed(store)

    old, new, two = await store.item_stats("p", guild_id=GUILD)

    assert old == ItemStats(
        exercise_id="p/one",
        content_hash="old",
        difficulty="easy",
        posts=1,
        members=3,
        goes=3,
        first_try=1,
        solved=2,
        hinted=1,
        median_seconds=20.0,
        reports=0,
        right="AB",
        first_picks={(0, "A"): 1, (0, "C"): 2, (1, "B"): 2, (1, "A"): 1},
    )
    assert old.most_picked_wrong() == WrongPick(blank=0, option="C", share=2 / 3)
    assert (new.posts, new.members, new.goes, new.first_try, new.solved) == (2, 3, 4, 3, 3)
    assert (new.hinted, new.reports, new.median_seconds) == (0, 1, 20.0)  # (15 + 25) / 2
    assert new.most_picked_wrong() == WrongPick(blank=0, option="B", share=1 / 4)
    assert (two.exercise_id, two.posts, two.goes, two.median_seconds) == ("p/two", 1, 0, None)
    assert two.first_try_rate is None
    assert two.most_picked_wrong() is None
    assert (old.hint_rate, new.hint_rate) == (1 / 3, 0)


async def test_a_test_answer_is_a_post_answered_once_without_a_hint(store):
    await _seed(store)
    await _seed_tests(store)

    old, new, three, two = await store.item_stats("p", guild_id=GUILD)  # by id

    assert old.goes == 3  # the runs asked the new version only
    assert new == ItemStats(
        exercise_id="p/one",
        content_hash="new",
        difficulty="easy",
        posts=4,  # two posts, erin's and bob's questions (alice never reached hers)
        members=4,  # alice, dave, erin (twice), bob
        goes=6,
        first_try=4,
        solved=4,  # bob's miss was his one answer
        hinted=0,
        tested=2,
        median_seconds=13.5,  # 5, 8, 12, 15, 25, 35
        reports=1,
        right="AB",
        first_picks={(0, "A"): 4, (0, "B"): 2, (1, "B"): 5, (1, "A"): 1},
    )
    assert new.hint_rate == 0  # of the four goes on posts, which offer hints
    assert new.most_picked_wrong() == WrongPick(blank=0, option="B", share=2 / 6)
    assert (two.posts, two.members, two.goes, two.first_try, two.solved) == (3, 1, 1, 0, 0)
    assert (two.median_seconds, two.first_picks, two.right) == (40.0, {(0, "C"): 1}, None)
    assert two.hint_rate is None  # its only go was a /test answer
    assert (three.exercise_id, three.difficulty, three.posts, three.goes) == (
        "p/three",
        "medium",
        1,
        0,
    )


async def test_every_server_counts_test_answers_for_authors(store):
    await _seed(store)
    await _seed_tests(store)

    found = {item.content_hash: item for item in await store.item_stats("p")}

    new = found["new"]  # carol answered on both servers: one member
    assert (new.posts, new.members, new.goes, new.tested, new.first_try) == (6, 5, 8, 3, 6)
    assert new.median_seconds == 20.0  # 5, 8, 12, 15, 25, 35, 50, 100


async def test_every_server_counts_for_authors(store):
    await _seed(store)

    found = {item.content_hash: item for item in await store.item_stats("p")}

    new = found["new"]  # first posted at the same time as the old one, on the other server
    assert (new.posts, new.members, new.goes, new.median_seconds) == (3, 4, 5, 25.0)


async def test_the_old_version_is_misleading_and_the_new_one_is_not(store):
    await _seed(store)

    items = await store.item_stats("p", guild_id=GUILD)

    assert [flags(item, items) for item in items] == [(), (), ()]  # too few members to say
    as_if_20 = [dataclasses.replace(item, members=MIN_MEMBERS) for item in items]
    assert [flags(item, as_if_20) for item in as_if_20] == [(Flag.MISLEADING,), (), ()]


async def test_a_pack_nobody_was_posted_has_no_items(store):
    assert await store.item_stats("nothing", guild_id=GUILD) == []
