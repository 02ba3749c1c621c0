"""The rules of progress: attempts left, what a hint costs, points, streaks, periods.

Pure functions of their arguments: no I/O, no database, no Discord, and never the wall
clock. Anything that depends on "now" takes an aware `now` and a `zoneinfo` time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from exercises.model import Difficulty

BASE_POINTS: dict[Difficulty, int] = {
    Difficulty.EASY: 10,
    Difficulty.MEDIUM: 20,
    Difficulty.HARD: 30,
}
"""Points for solving an exercise on the first attempt without hints."""

MIN_POINTS_FOR_A_SOLVE = 1
"""A first solve always earns something, however many hints and attempts it took."""


class PostContext(StrEnum):
    """Why an exercise was posted; it decides the attempt limit and whether hints exist."""

    PRACTICE = "practice"
    DAILY_QUIZ = "daily-quiz"
    TEST = "test"


class Period(StrEnum):
    """The window of a leaderboard. A week starts on Monday in the server's time zone."""

    DAY = "day"
    WEEK = "week"
    ALL_TIME = "all-time"


def attempt_limit(context: PostContext, exercise_attempts: int) -> int:
    """How many answers a member may submit on one post: a test gives one try."""
    if exercise_attempts < 1:
        raise ValueError(f"an exercise allows at least one attempt, got {exercise_attempts}")
    return 1 if context is PostContext.TEST else exercise_attempts


def hints_allowed(context: PostContext) -> bool:
    """A test measures what the member knows, so it offers no hints."""
    return context is not PostContext.TEST


def attempts_left(limit: int, attempts_used: int) -> int:
    return max(0, limit - attempts_used)


def hint_cost(difficulty: Difficulty) -> int:
    """Points a correct answer loses for each hint taken before it (a fifth of the base)."""
    return BASE_POINTS[difficulty] // 5


def points_for_correct_answer(
    difficulty: Difficulty,
    *,
    attempt_number: int,
    hints_used: int,
    solution_seen_before: bool,
) -> int:
    """Points for a correct answer on a post.

    The base halves with each earlier wrong attempt and each hint costs `hint_cost`, but a
    solve earns at least `MIN_POINTS_FOR_A_SOLVE`. No farming: points are earned once per
    member, exercise and server. Once the member has seen the exercise's solution on another
    post (they solved it there or used every attempt), answering it again is practice and
    earns nothing.
    """
    if attempt_number < 1:
        raise ValueError(f"attempt numbers start at 1, got {attempt_number}")
    if hints_used < 0:
        raise ValueError(f"hints used cannot be negative, got {hints_used}")
    if solution_seen_before:
        return 0
    halved = BASE_POINTS[difficulty] >> (attempt_number - 1)
    return max(MIN_POINTS_FOR_A_SOLVE, halved - hints_used * hint_cost(difficulty))


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive local days with at least one correct answer."""

    current: int
    longest: int


def streak(days_with_a_solve: Iterable[date], today: date) -> Streak:
    """The current and longest streak, from the local dates on which a member solved something.

    A streak is still alive on a day the member has not played yet: it ends only once a
    whole local day passes without a solve. Dates after `today` are ignored.
    """
    longest = run = 0
    last: date | None = None
    for day in sorted({d for d in days_with_a_solve if d <= today}):
        run = run + 1 if last is not None and day - last == timedelta(days=1) else 1
        longest = max(longest, run)
        last = day
    alive = last is not None and today - last <= timedelta(days=1)
    return Streak(current=run if alive else 0, longest=longest)


def require_aware(moment: datetime, name: str = "now") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (use zoneinfo), got {moment!r}")
    return moment


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The calendar date of `moment` on a clock in `tz`."""
    return require_aware(moment, "moment").astimezone(tz).date()


def period_start(period: Period, now: datetime, tz: tzinfo) -> datetime | None:
    """When the leaderboard window containing `now` began, as an aware datetime in `tz`.

    Day: local midnight today. Week: local midnight on Monday. All time: None (no bound).
    """
    today = local_date(now, tz)
    if period is Period.ALL_TIME:
        return None
    if period is Period.WEEK:
        today -= timedelta(days=today.weekday())
    return datetime.combine(today, time(0), tzinfo=tz)
