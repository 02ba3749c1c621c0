"""The rules that decide a click's attempt, from what a store has read: one place for SQLite's
writer jobs and PostgreSQL's batches, so the two stores cannot drift apart.

In order: an interaction recorded before gets what it got then; a solved post, or no
attempts left, records nothing; the same answer again shows the attempt it repeats; else a
new attempt, with its number and its points. No I/O here: each store reads the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.store.errors import UnknownPost
from bot.store.protocol import Attempt, AttemptOutcome, AttemptResult
from exercises import progress
from exercises.model import Difficulty


class Columns(Protocol):
    """A row read by name: sqlite3.Row, or psycopg's dict row."""

    def __getitem__(self, name: str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Standing:
    """One member on one post, read in the transaction that decides their attempt."""

    attempt_limit: int
    difficulty: Difficulty
    attempts_used: int
    hints_used: int
    solved: bool
    solution_seen_before: bool
    points: int
    forgotten_since_posted: bool  # /forget-me after this post: it earns this member nothing
    earns_points: bool  # False: a /review post, which earns nobody anything

    @property
    def attempts_left(self) -> int:
        return progress.attempts_left(self.attempt_limit, self.attempts_used)


def standing_from(row: Columns | None, post_id: int) -> Standing:
    """The standing in a row of the stores' STANDING columns; no row: no such post."""
    if row is None:
        raise UnknownPost(post_id)
    return Standing(
        attempt_limit=row["attempt_limit"],
        difficulty=Difficulty(row["difficulty"]),
        attempts_used=row["attempts_used"],
        hints_used=row["hints_used"],
        solved=bool(row["solved"]),
        solution_seen_before=bool(row["solution_seen_before"]),
        points=int(row["points"]),
        forgotten_since_posted=bool(row["forgotten_since_posted"]),
        earns_points=bool(row["earns_points"]),
    )


@dataclass(frozen=True, slots=True)
class NewAttempt:
    """What to store: the attempt's number and the points it earns."""

    number: int
    points: int


def already_recorded(before: Attempt, standing: Standing) -> AttemptResult:
    """This interaction was recorded before (`standing` is of that attempt's post)."""
    return AttemptResult(
        AttemptOutcome.ALREADY_RECORDED,
        before,
        standing.attempts_left,
        standing.solution_seen_before,
        standing.forgotten_since_posted,
    )


def decide(
    standing: Standing, *, correct: bool, repeated: Callable[[], Attempt] | None
) -> AttemptResult | NewAttempt:
    """For an interaction not recorded before. `repeated` reads the attempt with the same
    answer, if there is one (called only when it is the outcome)."""
    if standing.solved:
        return AttemptResult(AttemptOutcome.ALREADY_SOLVED, None, standing.attempts_left)
    if standing.attempts_left == 0:
        return AttemptResult(AttemptOutcome.NO_ATTEMPTS_LEFT, None, 0)
    if repeated is not None:
        return AttemptResult(
            AttemptOutcome.REPEATED_ANSWER,
            repeated(),
            standing.attempts_left,
            standing.solution_seen_before,
            standing.forgotten_since_posted,
        )
    number = standing.attempts_used + 1
    points = 0
    if correct and standing.earns_points and not standing.forgotten_since_posted:
        points = progress.points_for_correct_answer(
            standing.difficulty,
            attempt_number=number,
            hints_used=standing.hints_used,
            solution_seen_before=standing.solution_seen_before,
        )
    return NewAttempt(number, points)


def recorded(attempt: Attempt, standing: Standing) -> AttemptResult:
    """The new attempt, stored."""
    return AttemptResult(
        AttemptOutcome.RECORDED,
        attempt,
        progress.attempts_left(standing.attempt_limit, attempt.attempt_number),
        standing.solution_seen_before,
        standing.forgotten_since_posted,
    )
