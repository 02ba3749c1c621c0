"""FSRS as the review schedule: ratings from outcomes, learning steps in days, time only
from the caller (never the wall clock), and the end of a server's local day across DST."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.review.flow import end_of_day
from bot.review.schedule import FinalOutcome, ReviewSchedule, final_outcome

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_outcomes_are_rated_as_the_docs_say() -> None:
    assert final_outcome(solved=True, first_try=True, hints_used=0) is FinalOutcome.FIRST_TRY
    assert final_outcome(solved=True, first_try=True, hints_used=1) is FinalOutcome.HELPED
    assert final_outcome(solved=True, first_try=False, hints_used=0) is FinalOutcome.HELPED
    assert final_outcome(solved=False, first_try=True, hints_used=0) is FinalOutcome.MISSED


def test_a_miss_comes_back_the_next_day_not_in_ten_minutes() -> None:
    card = ReviewSchedule(fuzz=False).step(FinalOutcome.MISSED, T0)(0, None)
    assert card.due == T0 + timedelta(days=1)
    assert (card.reviews, card.misses) == (1, 1)


def test_solved_reviews_come_back_after_growing_intervals() -> None:
    schedule = ReviewSchedule(fuzz=False)
    card = schedule.step(FinalOutcome.MISSED, T0)(7, None)
    gaps = []
    for _ in range(4):
        reviewed_at = card.due
        card = schedule.step(FinalOutcome.FIRST_TRY, reviewed_at)(7, card)
        gaps.append(card.due - reviewed_at)
    assert gaps[0] == timedelta(days=2)
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps))
    assert gaps[-1] > timedelta(days=20)


def test_a_first_try_solve_makes_a_card_that_comes_back_later_than_a_helped_one() -> None:
    schedule = ReviewSchedule(fuzz=False)
    first = schedule.step(FinalOutcome.FIRST_TRY, T0)(0, None)
    helped = schedule.step(FinalOutcome.HELPED, T0)(0, None)
    assert first.due == T0 + timedelta(days=2)
    assert T0 + timedelta(days=1) < helped.due < first.due


def test_the_schedule_reads_no_wall_clock() -> None:
    """With the wall clock frozen years away, every due date follows the given times."""
    with time_machine.travel(datetime(2031, 1, 1, tzinfo=UTC), tick=False):
        card = ReviewSchedule(fuzz=False).step(FinalOutcome.MISSED, T0)(0, None)
        again = ReviewSchedule(fuzz=False).step(FinalOutcome.MISSED, card.due)(3, card)
    assert card.due == T0 + timedelta(days=1)
    assert again.due == T0 + timedelta(days=2)
    assert again.last_review == card.due


def test_a_naive_review_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        ReviewSchedule().step(FinalOutcome.MISSED, datetime(2026, 3, 1, 9))


def test_the_end_of_a_local_day_across_a_daylight_saving_change() -> None:
    paris = ZoneInfo("Europe/Paris")  # 2027-03-28: 02:00 CET -> 03:00 CEST, a 23-hour day
    just_after_midnight = datetime(2027, 3, 27, 23, 30, tzinfo=UTC)  # 00:30 CET on the 28th
    assert end_of_day(just_after_midnight, paris) == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    autumn = datetime(2027, 10, 30, 22, 30, tzinfo=UTC)  # 00:30 CEST on the 31st, 25 hours
    assert end_of_day(autumn, paris) == datetime(2027, 10, 31, 23, 0, tzinfo=UTC)
