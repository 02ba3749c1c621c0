"""Recording an attempt: one write job, and the statements it runs.

The job reads the clicked post and everything the rules decide on in one statement
(RECORD_CHECKS), hands the post to the caller's `decide` (which gives the answer and whether
it is correct, or refuses the click), applies the rules, and stores with one INSERT that
checks the attempt limit again and turns away (ON CONFLICT DO NOTHING) an attempt whose
interaction or number another transaction, perhaps in another process, stored first: then
it reads and decides again. So the limit and exactly-once hold across processes by
constraints, not by locks held here.

The rules, in order: an interaction recorded before gets what it got then; a solved post, or
no attempts left, records nothing; the same answer again shows the attempt it repeats (read
only when the member has answered this post before); else a new attempt, with its number
and its points (exercises.progress).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.store.errors import UnknownPost
from bot.store.records import (
    Attempt,
    AttemptOutcome,
    AttemptResult,
    ClickedPost,
    clicked_post_from_row,
    from_row,
)
from bot.store.run import Row, Tx, upsert
from bot.store.tables import (
    CORRECT,
    MEMBER,
    POST,
    Id,
    Time,
    attempts,
    closed_posts,
    forgotten_members,
    hints,
    posts,
    quiz_deliveries,
    quiz_delivery_posts,
    status,
)
from bot.store.writer import WriteJob
from exercises import progress
from exercises.model import LETTERS, MAX_BLANKS, Difficulty

RACES_BEFORE_GIVING_UP = 100  # each lost race means another answer was stored

_p = posts.alias("p")


def _count_of_mine(post_id: Any) -> sa.ScalarSelect[Any]:
    a = attempts.alias()
    return (
        sa.select(sa.func.count())
        .where(a.c.post_id == post_id, a.c.member_id == MEMBER)
        .scalar_subquery()
    )


def _solved(post_id: Any) -> sa.Exists:
    a = attempts.alias()
    return sa.exists().where(
        a.c.post_id == post_id, a.c.member_id == MEMBER, a.c.correct == CORRECT
    )


def _standing_columns() -> list[Any]:
    """One member on one post: what the limit, points and no-farming rules need.
    solution_seen_before: on another post of the same exercise in the same guild, the
    member answered correctly or used every attempt. forgotten_since_posted: /forget-me
    after (or as) the post was made."""
    a, h, other, f = attempts.alias(), hints.alias(), posts.alias("other"), forgotten_members
    return [
        _p.c.attempt_limit,
        _p.c.difficulty,
        _p.c.earns_points,
        _count_of_mine(_p.c.post_id).label("attempts_used"),
        _solved(_p.c.post_id).label("solved"),
        sa.select(sa.func.coalesce(sa.func.sum(a.c.points), 0))
        .where(a.c.post_id == _p.c.post_id, a.c.member_id == MEMBER)
        .scalar_subquery()
        .label("points"),
        sa.select(sa.func.count())
        .where(h.c.post_id == _p.c.post_id, h.c.member_id == MEMBER)
        .scalar_subquery()
        .label("hints_used"),
        sa.exists()
        .where(
            other.c.guild_id == _p.c.guild_id,
            other.c.exercise_id == _p.c.exercise_id,
            other.c.post_id != _p.c.post_id,
            sa.or_(
                _solved(other.c.post_id),
                _count_of_mine(other.c.post_id) >= other.c.attempt_limit,
            ),
        )
        .label("solution_seen_before"),
        sa.exists()
        .where(
            f.c.guild_id == _p.c.guild_id,
            f.c.member_id == MEMBER,
            f.c.forgotten_at >= _p.c.posted_at,
        )
        .label("forgotten_since_posted"),
    ]


STANDING = sa.select(*_standing_columns()).where(_p.c.post_id == POST)


def _closed(p: Any) -> list[Any]:
    """Whether a moderator closed the post (when), and whether its daily quiz has closed."""
    d, q = quiz_delivery_posts, quiz_deliveries
    quiz_closed = sa.exists().where(
        d.c.post_id == p.c.post_id,
        q.c.delivery_id == d.c.delivery_id,
        q.c.status == status("closed"),
    )
    return [closed_posts.c.closed_at, quiz_closed.label("quiz_closed")]


POST_FOR_CLICK = (
    sa.select(posts, *_closed(posts))
    .select_from(posts.outerjoin(closed_posts))
    .where(posts.c.post_id == POST)
)
"""A click's reads in one query: the post, whether a moderator closed it, whether its daily
quiz has closed."""


def _record_checks() -> sa.Select[Any]:
    """What the click reads (POST_FOR_CLICK's columns), the standing, and the attempt this
    interaction recorded before (a retried click)."""
    a = attempts.alias()
    recorded = sa.select(a.c.attempt_id).where(
        a.c.interaction_id == sa.bindparam("interaction", type_=Id)
    )
    standing = _standing_columns()
    rest_of_post = [column for column in _p.columns if column not in standing]
    return (
        sa.select(
            *standing,
            *rest_of_post,
            *_closed(_p),
            recorded.scalar_subquery().label("recorded_attempt_id"),
        )
        .select_from(_p.outerjoin(closed_posts))
        .where(_p.c.post_id == POST)
    )


RECORD_CHECKS = _record_checks()
SAME_ANSWER = (
    sa.select(attempts.c.attempt_id)
    .where(
        attempts.c.post_id == POST,
        attempts.c.member_id == MEMBER,
        attempts.c.answer == sa.bindparam("answer", type_=sa.Text()),
    )
    .order_by(attempts.c.attempt_number)
    .limit(1)
)
"""The member's earlier attempt with the same answer (a double click must not cost twice)."""
ATTEMPT = sa.select(attempts).where(attempts.c.attempt_id == sa.bindparam("id", type_=Id))


def _insert_if_allowed(insert: Any) -> sa.Executable:
    """The attempt limit is part of the INSERT: no row when the member used every attempt."""
    values = sa.select(
        POST,
        MEMBER,
        sa.bindparam("interaction", type_=Id),
        sa.bindparam("number", type_=sa.Integer()),
        sa.bindparam("answer", type_=sa.Text()),
        sa.bindparam("correct", type_=sa.Integer()),
        sa.bindparam("points", type_=sa.Integer()),
        sa.bindparam("at", type_=Time()),
    ).where(_p.c.post_id == POST, _count_of_mine(POST) < _p.c.attempt_limit)
    columns = ["post_id", "member_id", "interaction_id", "attempt_number", "answer", "correct"]
    statement = insert(attempts).from_select([*columns, "points", "answered_at"], values)
    returning: sa.Executable = statement.on_conflict_do_nothing().returning(attempts.c.attempt_id)
    return returning


INSERT_IF_ALLOWED = upsert(_insert_if_allowed)


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

    def result(
        self, outcome: AttemptOutcome, attempt: Attempt | None, attempts_left: int
    ) -> AttemptResult:
        seen, forgotten = self.solution_seen_before, self.forgotten_since_posted
        return AttemptResult(outcome, attempt, attempts_left, seen, forgotten, self.hints_used)


def standing_from(row: Row | None, post_id: int) -> Standing:
    """The standing in a row of STANDING's columns; no row: no such post."""
    if row is None:
        raise UnknownPost(post_id)
    booleans = ("solved", "solution_seen_before", "forgotten_since_posted", "earns_points")
    converted = {name: bool(row[name]) for name in booleans}
    return from_row(Standing, row, difficulty=Difficulty(row["difficulty"]), **converted)


Decide = Callable[[ClickedPost], tuple[str, bool]]
"""From the post as the attempt's own transaction reads it: the answer (the file's letters)
and whether it is correct. It raises to refuse the click, and nothing is recorded."""


@dataclass(frozen=True, slots=True)
class Answer:
    post_id: int
    member_id: int
    interaction_id: int
    answered_at: datetime
    decide: Decide


async def _attempt(tx: Tx, attempt_id: int) -> Attempt:
    row = (await tx.execute(ATTEMPT, {"id": attempt_id})).one()
    assert row is not None, "read in the same transaction that found its id"
    return from_row(Attempt, row, correct=bool(row["correct"]))


async def _not_new(
    tx: Tx, given: Answer, answer: str, row: Row, now: Standing
) -> AttemptResult | None:
    """The outcome when this answer records no new attempt, by the rules' order; else None."""
    if row["recorded_attempt_id"] is not None:
        before = await _attempt(tx, row["recorded_attempt_id"])
        if (before.post_id, before.member_id) != (given.post_id, given.member_id):
            values = {"post": before.post_id, "member": before.member_id}
            now = standing_from((await tx.execute(STANDING, values)).one(), before.post_id)
        return now.result(AttemptOutcome.ALREADY_RECORDED, before, now.attempts_left)
    if now.solved:
        return AttemptResult(AttemptOutcome.ALREADY_SOLVED, None, now.attempts_left)
    if now.attempts_left == 0:
        return AttemptResult(AttemptOutcome.NO_ATTEMPTS_LEFT, None, 0)
    if now.attempts_used == 0:
        return None
    mine = {"post": given.post_id, "member": given.member_id, "answer": answer}
    if (same := (await tx.execute(SAME_ANSWER, mine)).scalar()) is not None:
        repeated = await _attempt(tx, same)
        return now.result(AttemptOutcome.REPEATED_ANSWER, repeated, now.attempts_left)
    return None


def _points(now: Standing, correct: bool, number: int) -> int:
    if not correct or not now.earns_points or now.forgotten_since_posted:
        return 0
    return progress.points_for_correct_answer(
        now.difficulty,
        attempt_number=number,
        hints_used=now.hints_used,
        solution_seen_before=now.solution_seen_before,
    )


def _check_letters(answer: str) -> str:
    if not 1 <= len(answer) <= MAX_BLANKS or any(letter not in LETTERS for letter in answer):
        raise ValueError(
            f"an answer is 1 to {MAX_BLANKS} option letters from {LETTERS}, got {answer!r}"
        )
    return answer


def record(given: Answer) -> WriteJob[AttemptResult]:
    """The write job that records `given` (see the module's docstring)."""
    checks = {"post": given.post_id, "member": given.member_id}
    checks |= {"interaction": given.interaction_id}

    async def job(tx: Tx) -> AttemptResult:
        for _ in range(RACES_BEFORE_GIVING_UP):
            if (row := (await tx.execute(RECORD_CHECKS, checks)).one()) is None:
                raise UnknownPost(given.post_id)
            answer, correct = given.decide(clicked_post_from_row(row))
            _check_letters(answer)
            now = standing_from(row, given.post_id)
            if (refused := await _not_new(tx, given, answer, row, now)) is not None:
                return refused
            number = now.attempts_used + 1
            points = _points(now, correct, number)
            values = {**checks, "answer": answer, "number": number, "correct": int(correct)}
            values |= {"points": points, "at": given.answered_at}
            stored = (await tx.execute(INSERT_IF_ALLOWED, values)).one()
            if stored is not None:
                attempt = Attempt(
                    stored["attempt_id"],
                    given.post_id,
                    given.member_id,
                    given.interaction_id,
                    number,
                    answer,
                    correct,
                    points,
                    given.answered_at.astimezone(UTC),
                )
                left = progress.attempts_left(now.attempt_limit, number)
                return now.result(AttemptOutcome.RECORDED, attempt, left)
            # Nothing stored: the limit was reached, or another transaction stored this
            # interaction or this number first. Read again and decide again.
        raise RuntimeError("gave up after losing every race; too busy")

    return job
