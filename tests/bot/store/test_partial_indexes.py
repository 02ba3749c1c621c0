"""Statements that filter on a partial index's condition write its value into the SQL.

SQLite uses a partial index only when the query's WHERE clause implies the index's own
(`correct = 1`, `status = 'claimed'`); with the value bound as a parameter (`correct = ?`)
it cannot know that, and searched the attempts some other way: a click's standing read
took 300 us instead of 25 on a post of 1,000 answers. The plan each statement gets is
checked on a real database, its parameters left unknown (NULL) as when it is prepared.

A value bound where such a column is compared costs more even when the plan is right: the
value might decide whether the index applies, so SQLite prepares the statement again at
every execution. A click's record checks (`quiz_deliveries.status = ?`, for "its daily quiz
has closed") took 110-130 us instead of 8. So no statement of the store binds a value
compared with a column a partial index's condition names.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.sql import visitors

import bot.store
from bot.store import TutorStore
from bot.store.attempts import RECORD_CHECKS, STANDING
from bot.store.log_reads import SOLVE_TIMES
from bot.store.quizzes import STALLED
from bot.store.run import ByDialect, prepared
from bot.store.tables import metadata

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


def _partial_index_columns() -> set[tuple[str, str]]:
    """(table, column) for each column a partial index's condition names."""
    named = set()
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                named |= {(table.name, column) for column in re.findall(r"(\w+) =", str(where))}
    return named


def _statements() -> dict[str, sa.ClauseElement]:
    """Every statement the store's modules define (SQLite's form of those that differ)."""
    found = {}
    for module in pkgutil.iter_modules(bot.store.__path__):
        loaded = importlib.import_module(f"bot.store.{module.name}")
        for name, value in vars(loaded).items():
            if isinstance(value, ByDialect):
                value = value.sqlite
            if isinstance(value, sa.ClauseElement) and isinstance(value, sa.Executable):
                found[f"{module.name}.{name}"] = value
    return found


def _bound_against(statement: sa.ClauseElement, columns: set[tuple[str, str]]) -> list[str]:
    found = []
    for element in visitors.iterate(statement):
        if not isinstance(element, sa.BinaryExpression):
            continue
        sides = (element.left, element.right)
        for column, other in (sides, sides[::-1]):
            table = getattr(getattr(column, "table", None), "name", None)
            original = getattr(getattr(column, "table", None), "element", None)
            table = getattr(original, "name", table)  # an alias: its table's name
            if (table, getattr(column, "name", None)) in columns and isinstance(
                other, sa.BindParameter
            ):
                found.append(f"{table}.{column.name} = :{other.key}")
    return found


def test_no_statement_binds_a_value_a_partial_index_condition_compares() -> None:
    columns = _partial_index_columns()
    assert columns >= {("attempts", "correct"), ("quiz_deliveries", "status")}
    statements = _statements()
    assert "attempts.RECORD_CHECKS" in statements
    bound = {
        name: found
        for name, statement in statements.items()
        if (found := _bound_against(statement, columns))
    }
    assert bound == {}
