"""Statements that filter on a partial index's condition write its value into the SQL.

SQLite uses a partial index only when the query's WHERE clause implies the index's own
(`correct = 1`, `status = 'claimed'`); with the value bound as a parameter (`correct = ?`)
it cannot know that, and searched the attempts some other way: a click's standing read
took 300 us instead of 25 on a post of 1,000 answers. The plan each statement gets is
checked on a real database, its parameters left unknown (NULL) as when it is prepared.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import TutorStore
from bot.store.attempts import RECORD_CHECKS, STANDING
from bot.store.log_reads import SOLVE_TIMES
from bot.store.quizzes import STALLED
from bot.store.run import prepared

STATEMENTS = {
    "the standing read": (STANDING, "solves_by_member"),
    "a click's record checks": (RECORD_CHECKS, "solves_by_member"),
    "a member's solve times": (SOLVE_TIMES, "solves_by_member"),
    "stalled quiz deliveries": (STALLED, "quiz_deliveries_unfinished"),
}


@pytest.mark.parametrize("name", STATEMENTS)
async def test_the_partial_index_is_used(tmp_path: Path, name: str) -> None:
    statement, index = STATEMENTS[name]
    store = await TutorStore.open(tmp_path / "tutor.sqlite3")
    await store.close()
    ready = prepared(statement, "sqlite")
    assert isinstance(statement, sa.ClauseElement)
    names = set(re.findall(r":(\w+)", ready.sql))
    with sqlite3.connect(tmp_path / "tutor.sqlite3") as db:
        plan = [
            row[3] for row in db.execute("EXPLAIN QUERY PLAN " + ready.sql, dict.fromkeys(names))
        ]
    assert any(index in step for step in plan), plan
