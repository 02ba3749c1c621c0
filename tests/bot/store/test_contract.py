"""The contract the store keeps, whatever the database; runs against each backend in conftest."""

import asyncio
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store import (
    AttemptOutcome,
    Audit,
    OptionPick,
    PostProgress,
    StoreClosed,
    UnknownPost,
)
from exercises.model import Difficulty
from exercises.progress import Period, PostContext, Streak

GUILD = 1_100_000_000_000_000_001
OTHER_GUILD = 1_100_000_000_000_000_002
CHANNEL = 1_200_000_000_000_000_001
ALICE, BOB, CAROL, DAVE, ERIN = (1_300_000_000_000_000_000 + n for n in range(1, 6))
PARIS = ZoneInfo("Europe/Paris")
NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)

_interactions = itertools.count(1_400_000_000_000_000_000)


async def post(
    store,
    exercise_id="django-async-views/return-json",
    *,
    difficulty=Difficulty.HARD,
    guild_id=GUILD,
    attempt_limit=3,
    context=PostContext.PRACTICE,
    posted_at=NOON,
):
    return await store.create_post(
        guild_id=guild_id,
        channel_id=CHANNEL,
        exercise_id=exercise_id,
        content_hash="3f2a9c1d",
        difficulty=difficulty,
        context=context,
        attempt_limit=attempt_limit,
        posted_at=posted_at,
    )


# Distinct answers by default: the same answer twice is a double click and costs nothing.
_distinct_answers = (
    "".join(letters) for letters in itertools.cycle(itertools.product("ABCD", repeat=3))
)


async def answer(store, post_id, member_id, answer=None, *, correct, at=NOON, interaction_id=None):
    return await store.record_attempt(
        post_id=post_id,
        member_id=member_id,
        interaction_id=next(_interactions) if interaction_id is None else interaction_id,
        answer=next(_distinct_answers) if answer is None else answer,
        correct=correct,
        answered_at=at,
    )


# Posts


async def test_a_post_reads_back_as_it_was_created(store):
    created = await post(store, difficulty=Difficulty.MEDIUM, attempt_limit=2)
    assert created.message_id is None
    with_message = await store.set_post_message(created.post_id, 1_500_000_000_000_000_001)
    assert with_message.message_id == 1_500_000_000_000_000_001
    read = await store.get_post(created.post_id)
    assert read == with_message
    assert read.exercise_id == "django-async-views/return-json"
    assert read.difficulty is Difficulty.MEDIUM
    assert read.context is PostContext.PRACTICE
    assert read.attempt_limit == 2
    assert read.posted_at == NOON


async def test_an_unknown_post_is_none_and_cannot_be_answered(store):
    assert await store.get_post(424242) is None
    with pytest.raises(UnknownPost):
        await answer(store, 424242, ALICE, correct=True)
    with pytest.raises(UnknownPost):
        await store.use_hint(post_id=424242, member_id=ALICE, hint_number=1, used_at=NOON)
    with pytest.raises(UnknownPost):
        await store.set_post_message(424242, 1)


# Attempts


async def test_a_first_correct_answer_earns_full_points(store):
    hard = await post(store)
    result = await answer(store, hard.post_id, ALICE, "C", correct=True)
    assert result.outcome is AttemptOutcome.RECORDED
    assert result.attempt.answer == "C"
    assert result.attempt.attempt_number == 1
    assert result.attempt.points == 30
    assert result.attempt.answered_at == NOON
    assert result.attempts_left == 2


async def test_a_click_is_decided_on_the_post_as_its_own_transaction_reads_it(store):
    """record_answer hands the post to `decide` inside the attempt's write job: a post a
    moderator closed is seen closed there, and a refusal records nothing."""
    clicked = await post(store)
    seen = []

    def decide(found):
        seen.append(found)
        if found.closed_at is not None:
            raise LookupError("closed by a moderator")
        return "C", True

    async def click(member_id):
        return await store.record_answer(
            post_id=clicked.post_id,
            member_id=member_id,
            interaction_id=next(_interactions),
            answered_at=NOON,
            decide=decide,
        )

    result = await click(ALICE)
    assert result.outcome is AttemptOutcome.RECORDED
    assert (result.attempt.answer, result.attempt.correct, result.attempt.points) == ("C", True, 30)
    assert seen[-1].post == await store.get_post(clicked.post_id)
    assert (seen[-1].closed_at, seen[-1].quiz_closed) == (None, False)

    await store.servers.close_post(clicked.post_id, Audit(GUILD, DAVE, "close", "", NOON))
    with pytest.raises(LookupError, match="closed by a moderator"):
        await click(BOB)
    assert seen[-1].closed_at == NOON
    bob = await store.progress_on_post(post_id=clicked.post_id, member_id=BOB)
    assert bob.attempts_used == 0


async def test_a_decided_answer_must_be_option_letters(store):
    clicked = await post(store)
    with pytest.raises(ValueError, match="option letters"):
        await store.record_answer(
            post_id=clicked.post_id,
            member_id=ALICE,
            interaction_id=next(_interactions),
            answered_at=NOON,
            decide=lambda found: ("Z", True),
        )
    assert (
        await store.progress_on_post(post_id=clicked.post_id, member_id=ALICE)
    ).attempts_used == 0


async def test_each_wrong_answer_uses_an_attempt_and_lowers_the_points(store):
    hard = await post(store)
    first = await answer(store, hard.post_id, ALICE, "A", correct=False)
    second = await answer(store, hard.post_id, ALICE, "C", correct=True)
    assert (first.attempt.attempt_number, first.attempt.points, first.attempts_left) == (1, 0, 2)
    assert (second.attempt.attempt_number, second.attempt.points, second.attempts_left) == (
        2,
        15,
        1,
    )
    progress = await store.progress_on_post(post_id=hard.post_id, member_id=ALICE)
    assert progress == PostProgress(
        attempts_used=2, attempts_left=1, hints_used=0, solved=True, points=15
    )


async def test_fifty_simultaneous_answers_record_exactly_the_limit(store):
    hard = await post(store, attempt_limit=3)
    fifty_answers = ["".join(letters) for letters in itertools.product("ABCD", repeat=3)][:50]
    results = await asyncio.gather(
        *(answer(store, hard.post_id, ALICE, letters, correct=False) for letters in fifty_answers)
    )
    outcomes = Counter(result.outcome for result in results)
    assert outcomes == {AttemptOutcome.RECORDED: 3, AttemptOutcome.NO_ATTEMPTS_LEFT: 47}
    numbers = sorted(
        r.attempt.attempt_number for r in results if r.outcome is AttemptOutcome.RECORDED
    )
    assert numbers == [1, 2, 3]
    progress = await store.progress_on_post(post_id=hard.post_id, member_id=ALICE)
    assert (progress.attempts_used, progress.attempts_left) == (3, 0)


async def test_a_repeated_answer_costs_no_new_attempt(store):
    hard = await post(store, attempt_limit=3)
    first = await answer(store, hard.post_id, ALICE, "B", correct=False)
    double_click = await answer(store, hard.post_id, ALICE, "B", correct=False)
    assert double_click.outcome is AttemptOutcome.REPEATED_ANSWER
    assert double_click.attempt == first.attempt
    assert double_click.attempts_left == 2


async def test_fifty_simultaneous_identical_answers_cost_one_attempt(store):
    hard = await post(store, attempt_limit=3)
    results = await asyncio.gather(
        *(answer(store, hard.post_id, ALICE, "B", correct=False) for _ in range(50))
    )
    outcomes = Counter(result.outcome for result in results)
    assert outcomes == {AttemptOutcome.RECORDED: 1, AttemptOutcome.REPEATED_ANSWER: 49}


async def test_fifty_simultaneous_right_answers_score_once(store):
    hard = await post(store, attempt_limit=3)
    results = await asyncio.gather(
        *(answer(store, hard.post_id, ALICE, "C", correct=True) for _ in range(50))
    )
    outcomes = Counter(result.outcome for result in results)
    assert outcomes == {AttemptOutcome.RECORDED: 1, AttemptOutcome.ALREADY_SOLVED: 49}
    progress = await store.progress_on_post(post_id=hard.post_id, member_id=ALICE)
    assert (progress.attempts_used, progress.points) == (1, 30)


async def test_a_solved_post_takes_no_more_answers(store):
    hard = await post(store)
    await answer(store, hard.post_id, ALICE, "C", correct=True)
    again = await answer(store, hard.post_id, ALICE, "A", correct=False)
    assert again.outcome is AttemptOutcome.ALREADY_SOLVED
    assert again.attempt is None
    assert again.attempts_left == 2


async def test_the_same_interaction_twice_is_recorded_once(store):
    hard = await post(store)
    first = await answer(store, hard.post_id, ALICE, "A", correct=False, interaction_id=77)
    # A retried delivery of the same click, even with a different payload, changes nothing.
    retry = await answer(store, hard.post_id, ALICE, "C", correct=True, interaction_id=77)
    assert first.outcome is AttemptOutcome.RECORDED
    assert retry.outcome is AttemptOutcome.ALREADY_RECORDED
    assert retry.attempt == first.attempt
    assert retry.attempts_left == 2
    progress = await store.progress_on_post(post_id=hard.post_id, member_id=ALICE)
    assert (progress.attempts_used, progress.solved) == (1, False)


async def test_the_same_interaction_twice_at_once_is_recorded_once(store):
    hard = await post(store)
    results = await asyncio.gather(
        *(answer(store, hard.post_id, ALICE, correct=False, interaction_id=78) for _ in range(2))
    )
    outcomes = sorted(result.outcome for result in results)
    assert outcomes == [AttemptOutcome.ALREADY_RECORDED, AttemptOutcome.RECORDED]
    assert results[0].attempt == results[1].attempt


async def test_two_members_on_one_post_are_independent(store):
    hard = await post(store, attempt_limit=2)
    for wrong in ("A", "B"):
        await answer(store, hard.post_id, ALICE, wrong, correct=False)
    assert (await answer(store, hard.post_id, ALICE, correct=True)).outcome is (
        AttemptOutcome.NO_ATTEMPTS_LEFT
    )
    bob = await answer(store, hard.post_id, BOB, correct=True)
    assert bob.outcome is AttemptOutcome.RECORDED
    assert (bob.attempt.attempt_number, bob.attempt.points, bob.attempts_left) == (1, 30, 1)
    alice = await store.progress_on_post(post_id=hard.post_id, member_id=ALICE)
    assert alice == PostProgress(
        attempts_used=2, attempts_left=0, hints_used=0, solved=False, points=0
    )


async def test_solving_a_reposted_exercise_earns_nothing_new(store):
    first = await post(store, "pack/one")
    repost = await post(store, "pack/one")
    other_exercise = await post(store, "pack/two")
    other_guild = await post(store, "pack/one", guild_id=OTHER_GUILD)
    await answer(store, first.post_id, ALICE, correct=True)
    again = await answer(store, repost.post_id, ALICE, correct=True)
    assert again.outcome is AttemptOutcome.RECORDED
    assert again.attempt.points == 0
    assert again.solution_seen_before
    assert (await answer(store, other_exercise.post_id, ALICE, correct=True)).attempt.points == 30
    assert (await answer(store, other_guild.post_id, ALICE, correct=True)).attempt.points == 30
    assert (await answer(store, repost.post_id, BOB, correct=True)).attempt.points == 30


async def test_running_out_of_attempts_makes_a_repost_practice(store):
    first = await post(store, "pack/one", attempt_limit=2)
    repost = await post(store, "pack/one")
    other_guild = await post(store, "pack/one", guild_id=OTHER_GUILD)
    await answer(store, first.post_id, ALICE, "A", correct=False)
    before = await answer(store, repost.post_id, ALICE, "A", correct=False)
    await answer(store, first.post_id, ALICE, "B", correct=False)  # the last: solution seen

    again = await answer(store, repost.post_id, ALICE, "C", correct=True)

    assert not before.solution_seen_before
    assert again.solution_seen_before
    assert (again.outcome, again.attempt.points) == (AttemptOutcome.RECORDED, 0)
    elsewhere = await answer(store, other_guild.post_id, ALICE, correct=True)
    assert not elsewhere.solution_seen_before
    assert elsewhere.attempt.points == 30
    bob = await answer(store, repost.post_id, BOB, correct=True)
    assert not bob.solution_seen_before
    assert bob.attempt.points == 30


async def test_answers_given_on_a_post_in_order(store):
    hard = await post(store)
    for letters in ("B", "A", "B", "C"):
        await answer(store, hard.post_id, ALICE, letters, correct=letters == "C")
    await answer(store, hard.post_id, BOB, "D", correct=False)

    assert await store.answers_given(post_id=hard.post_id, member_id=ALICE) == ["B", "A", "C"]
    assert await store.answers_given(post_id=hard.post_id, member_id=CAROL) == []


async def test_invalid_answers_and_naive_times_are_refused(store):
    hard = await post(store)
    for bad in ("", "a", "ABCD", "E", "A B"):
        with pytest.raises(ValueError, match="option letters"):
            await answer(store, hard.post_id, ALICE, bad, correct=False)
    with pytest.raises(ValueError, match="aware"):
        await answer(store, hard.post_id, ALICE, correct=False, at=datetime(2025, 3, 12))
    progress = await store.progress_on_post(post_id=hard.post_id, member_id=ALICE)
    assert progress.attempts_used == 0


# Hints


async def test_hints_cost_once_each_and_lower_the_points(store):
    hard = await post(store)
    first = await store.use_hint(post_id=hard.post_id, member_id=ALICE, hint_number=1, used_at=NOON)
    again = await store.use_hint(post_id=hard.post_id, member_id=ALICE, hint_number=1, used_at=NOON)
    second = await store.use_hint(
        post_id=hard.post_id, member_id=ALICE, hint_number=2, used_at=NOON
    )
    assert (first.newly_used, first.hints_used) == (True, 1)
    assert (again.newly_used, again.hints_used) == (False, 1)
    assert (second.newly_used, second.hints_used) == (True, 2)
    solved = await answer(store, hard.post_id, ALICE, correct=True)
    assert solved.attempt.points == 30 - 2 * 6
    bob = await answer(store, hard.post_id, BOB, correct=True)
    assert bob.attempt.points == 30


# Durability


async def test_everything_survives_closing_and_reopening(backend):
    store = await backend.open()
    hard = await post(store)
    await store.use_hint(post_id=hard.post_id, member_id=ALICE, hint_number=1, used_at=NOON)
    await answer(store, hard.post_id, ALICE, correct=False, interaction_id=91)
    await store.close()
    with pytest.raises(StoreClosed):
        await answer(store, hard.post_id, ALICE, correct=True)

    reopened = await backend.open()
    try:
        assert await reopened.get_post(hard.post_id) == hard
        progress = await reopened.progress_on_post(post_id=hard.post_id, member_id=ALICE)
        assert (progress.attempts_used, progress.hints_used) == (1, 1)
        retry = await answer(reopened, hard.post_id, ALICE, correct=True, interaction_id=91)
        assert retry.outcome is AttemptOutcome.ALREADY_RECORDED
        solved = await answer(reopened, hard.post_id, ALICE, correct=True)
        assert (solved.attempt.attempt_number, solved.attempt.points) == (2, 15 - 6)
    finally:
        await reopened.close()


# Computed from the log


def paris(day, hour, minute=0):
    return datetime(2025, 3, day, hour, minute, tzinfo=PARIS)


async def test_leaderboard_by_day_week_and_all_time_in_the_servers_time_zone(store):
    now = paris(12, 15)  # Wednesday; the week began on Monday the 10th in Paris
    hard, medium, easy, old = [
        await post(store, f"pack/{name}", difficulty=difficulty)
        for name, difficulty in [
            ("hard", Difficulty.HARD),
            ("medium", Difficulty.MEDIUM),
            ("easy", Difficulty.EASY),
            ("old", Difficulty.EASY),
        ]
    ]
    elsewhere = await post(store, "pack/hard", guild_id=OTHER_GUILD)

    await answer(store, hard.post_id, ALICE, correct=True, at=paris(10, 9))  # 30, this week
    await answer(store, easy.post_id, ALICE, correct=True, at=paris(12, 10))  # 10, today
    # 00:30 on Monday in Paris is still Sunday in UTC: it belongs to this week.
    await answer(store, medium.post_id, BOB, correct=True, at=paris(10, 0, 30))  # 20
    await answer(store, hard.post_id, BOB, correct=False, at=paris(12, 7))
    await answer(store, hard.post_id, BOB, correct=True, at=paris(12, 8))  # 15, today
    await answer(store, old.post_id, BOB, correct=True, at=paris(1, 12))  # 10, long ago
    await answer(store, hard.post_id, CAROL, correct=True, at=paris(9, 23, 59))  # 30, last week
    await answer(store, elsewhere.post_id, DAVE, correct=True, at=paris(12, 9))  # other guild
    await answer(store, easy.post_id, ERIN, correct=False, at=paris(12, 9))  # no points

    async def board(period):
        entries = await store.leaderboard(guild_id=GUILD, period=period, now=now, tz=PARIS)
        return [(e.rank, e.member_id, e.points, e.solves) for e in entries]

    assert await board(Period.DAY) == [(1, BOB, 15, 1), (2, ALICE, 10, 1)]
    assert await board(Period.WEEK) == [(1, ALICE, 40, 2), (2, BOB, 35, 2)]
    assert await board(Period.ALL_TIME) == [
        (1, BOB, 45, 3),
        (2, ALICE, 40, 2),
        (3, CAROL, 30, 1),
    ]
    top = await store.leaderboard(
        guild_id=GUILD, period=Period.ALL_TIME, now=now, tz=PARIS, limit=1
    )
    assert [e.member_id for e in top] == [BOB]


async def test_equal_points_rank_whoever_reached_them_first(store):
    one, two = await post(store, "pack/one"), await post(store, "pack/two")
    await answer(store, one.post_id, BOB, correct=True, at=NOON)
    await answer(store, two.post_id, ALICE, correct=True, at=NOON + timedelta(minutes=1))
    entries = await store.leaderboard(
        guild_id=GUILD, period=Period.ALL_TIME, now=NOON + timedelta(hours=1), tz=UTC
    )
    assert [(e.rank, e.member_id, e.points) for e in entries] == [(1, BOB, 30), (2, ALICE, 30)]


async def test_pick_rates_per_blank_over_first_answers(store):
    blanks = await post(store)
    await answer(store, blanks.post_id, ALICE, "AB", correct=False)
    await answer(store, blanks.post_id, ALICE, "AC", correct=True)
    await answer(store, blanks.post_id, BOB, "BC", correct=False)
    await answer(store, blanks.post_id, CAROL, "AC", correct=True)
    untouched = await post(store)

    assert await store.quizzes.first_picks(blanks.post_id) == [
        OptionPick(blank=0, option="A", picks=2, share=2 / 3),
        OptionPick(blank=0, option="B", picks=1, share=1 / 3),
        OptionPick(blank=1, option="B", picks=1, share=1 / 3),
        OptionPick(blank=1, option="C", picks=2, share=2 / 3),
    ]
    assert await store.quizzes.first_picks(untouched.post_id) == []


async def test_streak_counts_local_days_with_a_solve(store):
    tokyo = ZoneInfo("Asia/Tokyo")
    exercises = [await post(store, f"pack/{n}") for n in range(6)]
    # In Tokyo these are March 1st, 2nd and 3rd; in UTC, February 28th, March 2nd and 3rd.
    solves = [
        datetime(2025, 3, 1, 8, 0, tzinfo=tokyo),
        datetime(2025, 3, 2, 20, 0, tzinfo=tokyo),
        datetime(2025, 3, 3, 10, 0, tzinfo=tokyo),
    ]
    for exercise, at in zip(exercises, solves, strict=False):
        await answer(store, exercise.post_id, ALICE, correct=True, at=at)
    await answer(store, exercises[4].post_id, ALICE, correct=False, at=solves[-1] + timedelta(1))
    long_ago = datetime(2025, 2, 20, tzinfo=UTC)
    await answer(store, exercises[5].post_id, ALICE, correct=True, at=long_ago)

    on_the_3rd = datetime(2025, 3, 3, 12, 0, tzinfo=tokyo)
    on_the_5th = datetime(2025, 3, 5, 12, 0, tzinfo=tokyo)
    kwargs = {"guild_id": GUILD, "member_id": ALICE, "tz": tokyo}
    assert await store.streak(now=on_the_3rd, **kwargs) == Streak(current=3, longest=3)
    assert await store.streak(now=on_the_5th, **kwargs) == Streak(current=0, longest=3)
    in_utc = await store.streak(guild_id=GUILD, member_id=ALICE, now=on_the_3rd, tz=UTC)
    assert in_utc == Streak(current=2, longest=2)
    assert await store.streak(guild_id=GUILD, member_id=BOB, now=on_the_3rd, tz=tokyo) == Streak(
        current=0, longest=0
    )


async def test_post_counters_count_members_not_answers(store):
    hard = await post(store)
    assert await store.post_counters(hard.post_id) == (0, 0)
    await answer(store, hard.post_id, ALICE, correct=False)
    await answer(store, hard.post_id, ALICE, correct=True)
    await answer(store, hard.post_id, BOB, correct=False)
    answered, solved = await store.post_counters(hard.post_id)
    assert (answered, solved) == (2, 1)


async def test_member_stats_overall_and_per_pack(store):
    one = await post(store, "async-views/one", difficulty=Difficulty.EASY)
    again = await post(store, "async-views/one", difficulty=Difficulty.EASY)
    two = await post(store, "async-views/two", difficulty=Difficulty.MEDIUM)
    orm = await post(store, "orm/three", difficulty=Difficulty.HARD)
    elsewhere = await post(store, "orm/three", guild_id=OTHER_GUILD)
    await answer(store, one.post_id, ALICE, correct=True)  # 10
    await answer(store, again.post_id, ALICE, correct=True)  # farmed: 0, solved once
    await answer(store, two.post_id, ALICE, correct=False)
    await answer(store, orm.post_id, ALICE, correct=False)
    await answer(store, orm.post_id, ALICE, correct=True)  # 15
    await answer(store, elsewhere.post_id, ALICE, correct=True)  # another guild
    await answer(store, one.post_id, BOB, correct=True)  # someone else

    stats = await store.member_stats(guild_id=GUILD, member_id=ALICE)
    assert (stats.attempts, stats.correct, stats.points, stats.solved) == (5, 3, 25, 2)
    assert [(p.pack_id, p.attempts, p.correct, p.points, p.solved) for p in stats.packs] == [
        ("async-views", 3, 2, 10, 1),
        ("orm", 2, 1, 15, 1),
    ]
    nobody = await store.member_stats(guild_id=GUILD, member_id=ERIN)
    assert (nobody.attempts, nobody.packs) == (0, ())


async def test_the_last_synced_command_tree_per_scope(backend):
    store = await backend.open()
    try:
        assert await store.synced_commands(guild_id=None) is None
        await store.record_commands_synced(guild_id=None, tree_hash="aaa", synced_at=NOON)
        await store.record_commands_synced(guild_id=GUILD, tree_hash="bbb", synced_at=NOON)
        await store.record_commands_synced(guild_id=None, tree_hash="ccc", synced_at=NOON)
    finally:
        await store.close()
    reopened = await backend.open()
    try:
        assert await reopened.synced_commands(guild_id=None) == "ccc"
        assert await reopened.synced_commands(guild_id=GUILD) == "bbb"
        assert await reopened.synced_commands(guild_id=OTHER_GUILD) is None
    finally:
        await reopened.close()
