"""/test runs: ten questions fixed when the run starts, one answer each, kept across restarts.

test_runs.position is the next question; an answer is recorded only for that position and
only once, in the same transaction that moves the run on (a double click records nothing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row
from typing import Any

import aiosqlite

from bot.store.dialects import BothDialects
from bot.store.rows import from_db, to_db
from bot.store.writer import WriteJob
from exercises.model import Difficulty

Write = Callable[[WriteJob[Any]], Awaitable[Any]]

# Move the run on; it is finished when that was its last question. A CASE of untyped
# parameters is text to PostgreSQL, so there the time is said to be a time.
_NEXT_QUESTION = BothDialects(
    "UPDATE test_runs SET position = position + 1, finished_at = CASE WHEN "
    "position + 1 >= (SELECT count(*) FROM test_run_questions WHERE run_id = ?) "
    "THEN ? END WHERE run_id = ?",
    postgresql="UPDATE test_runs SET position = position + 1, finished_at = CASE WHEN "
    "position + 1 >= (SELECT count(*) FROM test_run_questions WHERE run_id = ?) "
    "THEN ?::timestamptz END WHERE run_id = ?",
)


@dataclass(frozen=True, slots=True)
class RunQuestion:
    position: int
    exercise_id: str
    content_hash: str
    difficulty: Difficulty
    answer: str | None
    correct: bool | None


@dataclass(frozen=True, slots=True)
class PatternTestRun:
    run_id: int
    guild_id: int
    member_id: int
    pack: str | None
    position: int  # the next question; equal to len(questions) once finished
    finished_at: datetime | None
    questions: tuple[RunQuestion, ...]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class SqlitePatternTests:
    """The /test tables of a SqliteStore: `store.pattern_tests`."""

    def __init__(self, write: Write, reads: aiosqlite.Connection) -> None:
        self._write = write
        self._reads = reads

    async def start(
        self,
        *,
        guild_id: int,
        member_id: int,
        pack: str | None,
        questions: Sequence[tuple[str, str, Difficulty]],
        now: datetime,
    ) -> PatternTestRun:
        """A new run with its questions; an unfinished earlier run of the member is set aside."""
        at = to_db(now, "now")

        def insert(db: sqlite3.Connection) -> PatternTestRun:
            db.execute(
                "UPDATE test_runs SET finished_at = ? "
                "WHERE guild_id = ? AND member_id = ? AND finished_at IS NULL",
                (at, guild_id, member_id),
            )
            cursor = db.execute(
                "INSERT INTO test_runs (guild_id, member_id, pack, started_at) VALUES (?, ?, ?, ?)",
                (guild_id, member_id, pack, at),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            db.executemany(
                "INSERT INTO test_run_questions (run_id, position, exercise_id, content_hash, "
                "difficulty) VALUES (?, ?, ?, ?, ?)",
                [
                    (run_id, position, exercise_id, content_hash, difficulty.value)
                    for position, (exercise_id, content_hash, difficulty) in enumerate(questions)
                ],
            )
            run = _run_now(db, run_id)
            assert run is not None
            return run

        result: PatternTestRun = await self._write(insert)
        return result

    async def current(self, *, guild_id: int, member_id: int) -> PatternTestRun | None:
        """The member's unfinished run here, if any."""
        sql = (
            "SELECT run_id FROM test_runs WHERE guild_id = ? AND member_id = ? "
            "AND finished_at IS NULL ORDER BY run_id DESC LIMIT 1"
        )
        async with self._reads.execute(sql, (guild_id, member_id)) as cursor:
            row = await cursor.fetchone()
        return await _run(self._reads, row[0]) if row is not None else None

    async def run(self, run_id: int) -> PatternTestRun | None:
        return await _run(self._reads, run_id)

    async def answer(
        self, run_id: int, *, position: int, answer: str, correct: bool, now: datetime
    ) -> PatternTestRun | None:
        """Record the answer to the current question and move on; None if it was not the
        current question any more (answered already, or the run is over)."""
        at = to_db(now, "now")

        def record(db: sqlite3.Connection) -> PatternTestRun | None:
            cursor = db.execute(
                "UPDATE test_run_questions SET answer = ?, correct = ?, answered_at = ? "
                "WHERE run_id = ? AND position = ? AND answer IS NULL AND position = "
                "(SELECT position FROM test_runs WHERE run_id = ? AND finished_at IS NULL)",
                (answer, int(correct), at, run_id, position, run_id),
            )
            if cursor.rowcount != 1:
                return None
            db.execute(_NEXT_QUESTION, (run_id, at, run_id))
            return _run_now(db, run_id)

        result: PatternTestRun | None = await self._write(record)
        return result


_RUN = "SELECT * FROM test_runs WHERE run_id = ?"
_QUESTIONS = "SELECT * FROM test_run_questions WHERE run_id = ? ORDER BY position"


async def _run(db: aiosqlite.Connection, run_id: int) -> PatternTestRun | None:
    async with db.execute(_RUN, (run_id,)) as cursor:
        row: Row | None = await cursor.fetchone()
    if row is None:
        return None
    async with db.execute(_QUESTIONS, (run_id,)) as cursor:
        questions = list(await cursor.fetchall())
    return _run_from(row, questions)


def _run_now(db: sqlite3.Connection, run_id: int) -> PatternTestRun | None:
    """As read inside a write job."""
    row: Row | None = db.execute(_RUN, (run_id,)).fetchone()
    if row is None:
        return None
    return _run_from(row, db.execute(_QUESTIONS, (run_id,)).fetchall())


def _run_from(row: Row, questions: list[Row]) -> PatternTestRun:
    return PatternTestRun(
        run_id=row["run_id"],
        guild_id=row["guild_id"],
        member_id=row["member_id"],
        pack=row["pack"],
        position=row["position"],
        finished_at=from_db(row["finished_at"]) if row["finished_at"] else None,
        questions=tuple(
            RunQuestion(
                q["position"],
                q["exercise_id"],
                q["content_hash"],
                Difficulty(q["difficulty"]),
                q["answer"],
                None if q["correct"] is None else bool(q["correct"]),
            )
            for q in questions
        ),
    )
