"""/test runs: ten questions fixed when the run starts, one answer each, kept across restarts:
`store.pattern_tests`.

test_runs.position is the next question; an answer is recorded only for that position and
only once, in the same transaction that moves the run on (a double click records nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.store.part import Part
from bot.store.records import PatternTestRun, RunQuestion, from_row
from bot.store.run import Tx, insert_values
from bot.store.tables import GUILD, MEMBER, Id, Time, test_run_questions, test_runs
from exercises.model import Difficulty

RUN = sa.bindparam("run", type_=Id)
AT = sa.bindparam("at", type_=Time())
runs, questions = test_runs, test_run_questions

_unfinished = sa.and_(
    runs.c.guild_id == GUILD, runs.c.member_id == MEMBER, runs.c.finished_at.is_(None)
)
SET_ASIDE = sa.update(runs).where(_unfinished).values(finished_at=AT)
START = insert_values(runs, "guild_id", "member_id", "pack", "started_at").returning(runs.c.run_id)
ADD_QUESTION = insert_values(
    questions, "run_id", "position", "exercise_id", "content_hash", "difficulty"
)
UNFINISHED_RUN = sa.select(runs.c.run_id).where(_unfinished).order_by(runs.c.run_id.desc()).limit(1)
GET_RUN = sa.select(runs).where(runs.c.run_id == RUN)
GET_QUESTIONS = sa.select(questions).where(questions.c.run_id == RUN).order_by(questions.c.position)
_current_position = (
    sa.select(runs.c.position)
    .where(runs.c.run_id == RUN, runs.c.finished_at.is_(None))
    .scalar_subquery()
)
ANSWER = (
    sa.update(questions)
    .where(
        questions.c.run_id == RUN,
        questions.c.position == sa.bindparam("position", type_=sa.Integer()),
        questions.c.answer.is_(None),
        questions.c.position == _current_position,
    )
    .values(answer=sa.bindparam("answer"), correct=sa.bindparam("correct"), answered_at=AT)
)
# Move the run on; it is finished when that was its last question.
_count = sa.select(sa.func.count()).where(questions.c.run_id == RUN).scalar_subquery()
NEXT_QUESTION = (
    sa.update(runs)
    .where(runs.c.run_id == RUN)
    .values(
        position=runs.c.position + 1,
        finished_at=sa.case((runs.c.position + 1 >= _count, AT), else_=sa.null()),
    )
)


class TestRuns(Part):
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

        async def insert(tx: Tx) -> PatternTestRun:
            await tx.execute(SET_ASIDE, {"guild": guild_id, "member": member_id, "at": now})
            started = {"guild_id": guild_id, "member_id": member_id, "pack": pack}
            run_id = (await tx.execute(START, started | {"started_at": now})).scalar()
            for position, (exercise_id, content_hash, difficulty) in enumerate(questions):
                question = {"run_id": run_id, "position": position, "exercise_id": exercise_id}
                question |= {"content_hash": content_hash, "difficulty": difficulty.value}
                await tx.execute(ADD_QUESTION, question)
            run = await _run(tx.execute, run_id)
            assert run is not None
            return run

        return await self._write(insert)

    async def current(self, *, guild_id: int, member_id: int) -> PatternTestRun | None:
        """The member's unfinished run here, if any."""
        row = await self._row(UNFINISHED_RUN, guild=guild_id, member=member_id)
        return await _run(self._read, row["run_id"]) if row is not None else None

    async def run(self, run_id: int) -> PatternTestRun | None:
        return await _run(self._read, run_id)

    async def answer(
        self, run_id: int, *, position: int, answer: str, correct: bool, now: datetime
    ) -> PatternTestRun | None:
        """Record the answer to the current question and move on; None if it was not the
        current question any more (answered already, or the run is over)."""
        values = {"run": run_id, "position": position, "answer": answer, "at": now}

        async def record(tx: Tx) -> PatternTestRun | None:
            if (await tx.execute(ANSWER, values | {"correct": int(correct)})).rowcount != 1:
                return None
            await tx.execute(NEXT_QUESTION, {"run": run_id, "at": now})
            return await _run(tx.execute, run_id)

        return await self._write(record)


async def _run(read: Any, run_id: int) -> PatternTestRun | None:
    row = (await read(GET_RUN, {"run": run_id})).one()
    if row is None:
        return None
    questions = tuple(
        from_row(
            RunQuestion,
            question,
            difficulty=Difficulty(question["difficulty"]),
            correct=None if question["correct"] is None else bool(question["correct"]),
        )
        for question in (await read(GET_QUESTIONS, {"run": run_id})).rows
    )
    return from_row(PatternTestRun, row, questions=questions)
