"""The item flags at their edges: pure functions of the counted numbers."""

import pytest

from exercises.items import (
    Flag,
    ItemStats,
    flags,
    mislabelled,
    misleading,
    too_easy,
    too_hard,
)


def item(
    first_try, goes=100, *, members=None, difficulty="medium", right="A", picks=None, name="x"
):
    return ItemStats(
        exercise_id=f"p/{name}",
        content_hash="h",
        difficulty=difficulty,
        posts=1,
        members=goes if members is None else members,
        goes=goes,
        first_try=first_try,
        solved=first_try,
        right=right,
        first_picks=picks or {},
    )


@pytest.mark.parametrize(
    ("first_try", "goes", "members", "flagged"),
    [
        (91, 100, 20, True),  # over 90%, 20 members
        (90, 100, 20, False),  # 90% is not over
        (91, 100, 19, False),  # too few members
        (20, 20, 20, True),  # all of 20
    ],
)
def test_too_easy_is_over_90_percent_with_at_least_20_members(first_try, goes, members, flagged):
    assert too_easy(item(first_try, goes, members=members)) is flagged


@pytest.mark.parametrize(
    ("first_try", "members", "flagged"),
    [(19, 20, True), (20, 20, False), (0, 19, False), (0, 20, True)],
)
def test_too_hard_is_under_20_percent_with_at_least_20_members(first_try, members, flagged):
    assert too_hard(item(first_try, 100 if first_try else members, members=members)) is flagged


def test_misleading_when_a_wrong_option_is_picked_first_more_often_than_the_right_one():
    second_blank_wrong = {(0, "A"): 20, (1, "C"): 11, (1, "B"): 9}
    assert misleading(item(9, 20, right="AB", picks=second_blank_wrong))
    tie = {(0, "A"): 20, (1, "C"): 9, (1, "B"): 9, (1, "D"): 2}
    assert not misleading(item(9, 20, right="AB", picks=tie))
    assert not misleading(item(0, 20, right=None, picks=second_blank_wrong))  # never solved


def test_one_member_s_wrong_pick_does_not_make_an_exercise_misleading():
    assert not misleading(item(0, 1, right="A", picks={(0, "B"): 1}))
    assert not misleading(item(9, 19, right="A", picks={(0, "A"): 9, (0, "B"): 10}))
    assert misleading(item(9, 20, right="A", picks={(0, "A"): 9, (0, "B"): 11}))


def test_mislabelled_easy_below_the_median_of_hard_and_hard_above_the_median_of_easy():
    hard = [item(40, difficulty="hard", name="h1"), item(60, difficulty="hard", name="h2")]
    easy_low = item(49, difficulty="easy", name="e1")
    easy_at = item(50, difficulty="easy", name="e2")  # the median of hard: not below it
    pack = [*hard, easy_low, easy_at]
    assert mislabelled(easy_low, pack)
    assert not mislabelled(easy_at, pack)
    # the median of the easy ones is 49.5%: the hard one at 60% is above it, at 40% not
    assert mislabelled(hard[1], pack)
    assert not mislabelled(hard[0], pack)


def test_mislabelled_needs_the_other_difficulty_in_the_pack_with_answers():
    lone = item(10, difficulty="easy")
    unanswered_hard = item(0, 0, difficulty="hard", name="h")
    assert not mislabelled(lone, [lone, unanswered_hard])
    assert not mislabelled(unanswered_hard, [lone, unanswered_hard])


def test_mislabelled_counts_only_versions_with_20_members():
    """A hard exercise one member solved at once is no yardstick, nor is it mislabelled."""
    easy = item(50, difficulty="easy")
    hard_of_one = item(1, 1, difficulty="hard", name="h1")
    hard_of_19 = item(19, 19, difficulty="hard", name="h19")
    assert not mislabelled(easy, [easy, hard_of_one, hard_of_19])
    assert not mislabelled(hard_of_one, [easy, hard_of_one])
    hard_of_20 = item(20, 20, difficulty="hard", name="h20")
    assert mislabelled(easy, [easy, hard_of_one, hard_of_20])
    assert mislabelled(hard_of_20, [easy, hard_of_20])


def test_flags_lists_each_flag_earned():
    easy = item(95, difficulty="easy", right="A", picks={(0, "A"): 95, (0, "B"): 5})
    hard = item(10, difficulty="hard", right="A", picks={(0, "A"): 10, (0, "B"): 90}, name="h")
    assert flags(easy, [easy, hard]) == (Flag.TOO_EASY,)
    assert flags(hard, [easy, hard]) == (Flag.TOO_HARD, Flag.MISLEADING)
