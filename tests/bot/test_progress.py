from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from exercises.model import Difficulty
from exercises.progress import (
    BASE_POINTS,
    Period,
    PostContext,
    Streak,
    attempt_limit,
    attempts_left,
    hint_cost,
    hints_allowed,
    local_date,
    period_start,
    points_for_correct_answer,
    streak,
)

PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_harder_exercises_are_worth_more():
    assert BASE_POINTS[Difficulty.EASY] < BASE_POINTS[Difficulty.MEDIUM]
    assert BASE_POINTS[Difficulty.MEDIUM] < BASE_POINTS[Difficulty.HARD]


@pytest.mark.parametrize(
    ("difficulty", "attempt_number", "hints_used", "points"),
    [
        (Difficulty.EASY, 1, 0, 10),
        (Difficulty.MEDIUM, 1, 0, 20),
        (Difficulty.HARD, 1, 0, 30),
        (Difficulty.HARD, 2, 0, 15),
        (Difficulty.HARD, 3, 0, 7),
        (Difficulty.HARD, 1, 2, 18),
        (Difficulty.MEDIUM, 2, 1, 6),
        (Difficulty.EASY, 3, 3, 1),  # a solve always earns something
    ],
)
def test_points_fall_with_each_wrong_attempt_and_each_hint(
    difficulty, attempt_number, hints_used, points
):
    earned = points_for_correct_answer(
        difficulty, attempt_number=attempt_number, hints_used=hints_used, solution_seen_before=False
    )
    assert earned == points


def test_an_exercise_whose_solution_was_seen_earns_nothing():
    earned = points_for_correct_answer(
        Difficulty.HARD, attempt_number=1, hints_used=0, solution_seen_before=True
    )
    assert earned == 0


def test_a_hint_costs_a_fifth_of_the_base():
    assert [hint_cost(d) for d in Difficulty] == [2, 4, 6]


def test_nonsense_attempt_numbers_are_refused():
    with pytest.raises(ValueError, match="start at 1"):
        points_for_correct_answer(
            Difficulty.EASY, attempt_number=0, hints_used=0, solution_seen_before=False
        )
    with pytest.raises(ValueError, match="negative"):
        points_for_correct_answer(
            Difficulty.EASY, attempt_number=1, hints_used=-1, solution_seen_before=False
        )


def test_attempts_left_never_goes_below_zero():
    assert attempts_left(3, 0) == 3
    assert attempts_left(3, 2) == 1
    assert attempts_left(3, 5) == 0


def test_a_test_gives_one_try_and_no_hints():
    assert attempt_limit(PostContext.TEST, 3) == 1
    assert attempt_limit(PostContext.PRACTICE, 3) == 3
    assert attempt_limit(PostContext.DAILY_QUIZ, 2) == 2
    assert not hints_allowed(PostContext.TEST)
    assert hints_allowed(PostContext.PRACTICE)
    with pytest.raises(ValueError, match="at least one attempt"):
        attempt_limit(PostContext.PRACTICE, 0)


def test_streak_counts_consecutive_days_and_survives_until_a_day_is_missed():
    days = [date(2025, 3, d) for d in (1, 2, 3, 5, 6)]
    assert streak(days, today=date(2025, 3, 6)) == Streak(current=2, longest=3)
    assert streak(days, today=date(2025, 3, 7)) == Streak(current=2, longest=3)  # not over yet
    assert streak(days, today=date(2025, 3, 8)) == Streak(current=0, longest=3)


def test_streak_ignores_repeats_and_future_dates():
    days = [date(2025, 3, 1), date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 9)]
    assert streak(days, today=date(2025, 3, 2)) == Streak(current=2, longest=2)
    assert streak([], today=date(2025, 3, 2)) == Streak(current=0, longest=0)


def test_local_date_is_the_date_on_the_servers_clock():
    late_evening_utc = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    assert local_date(late_evening_utc, TOKYO) == date(2025, 3, 2)
    assert local_date(late_evening_utc, PARIS) == date(2025, 3, 2)
    assert local_date(late_evening_utc, ZoneInfo("America/New_York")) == date(2025, 3, 1)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2025, 3, 1, 12), PARIS)


def test_a_week_starts_on_monday_at_local_midnight():
    sunday_evening = datetime(2025, 3, 30, 20, 0, tzinfo=PARIS)  # the day clocks go forward
    start = period_start(Period.WEEK, sunday_evening, PARIS)
    assert start == datetime(2025, 3, 24, 0, 0, tzinfo=PARIS)
    assert start is not None
    assert start.astimezone(UTC) == datetime(2025, 3, 23, 23, 0, tzinfo=UTC)


def test_a_day_starts_at_local_midnight_and_all_time_has_no_start():
    now = datetime(2025, 3, 1, 16, 0, tzinfo=UTC)  # already March 2nd in Tokyo
    assert period_start(Period.DAY, now, TOKYO) == datetime(2025, 3, 2, 0, 0, tzinfo=TOKYO)
    assert period_start(Period.ALL_TIME, now, TOKYO) is None
