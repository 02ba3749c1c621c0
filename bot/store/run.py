"""Running a Core statement on the raw driver connection: compiled once per dialect by
SQLAlchemy (cached), its parameters and results through the columns' types (`Time` reads
and writes times the same on both).

A statement is a Core construct, or `ByDialect` where the two dialects really differ (an
upsert): both forms side by side. `Tx` is what a write job sees: its statements run inside
the writer's batch transaction (SQLite's writer thread, or PostgreSQL's pooled connection);
reads run the same statements outside it. Nothing here writes or rewrites SQL text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

SQLITE: Dialect = sqlite.dialect(paramstyle="named")
POSTGRESQL: Dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
Row = dict[str, Any]


@dataclass(frozen=True, eq=False)
class ByDialect:
    """One statement written for each dialect, where they differ."""

    sqlite: sa.Executable
    postgresql: sa.Executable


def upsert(make: Callable[[Callable[..., Any]], sa.Executable]) -> ByDialect:
    """An INSERT ... ON CONFLICT, made by `make(insert)` with each dialect's insert()."""
    return ByDialect(make(sqlite.insert), make(postgresql.insert))


Statement = sa.Executable | ByDialect


class Prepared:
    """A statement compiled for one dialect, with its parameter and result processing."""

    __slots__ = ("binds", "defaults", "results", "sql")

    def __init__(self, statement: sa.Executable, dialect: Dialect) -> None:
        assert isinstance(statement, sa.ClauseElement)
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = compiled.string
        binds = compiled.binds
        processors = {
            name: process
            for name in compiled.params
            if (process := binds[name].type.bind_processor(dialect)) is not None
        }
        self.binds = processors
        self.defaults = {
            name: processors[name](value) if name in processors else value
            for name, value in compiled.params.items()
            if value is not None
        }
        columns = getattr(statement, "exported_columns", ())
        self.results = [column.type.result_processor(dialect, None) for column in columns]

    def params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        params = dict(self.defaults)
        binds = self.binds
        for name, value in values.items():
            process = binds.get(name)
            params[name] = process(value) if process is not None and value is not None else value
        return params

    def rows(self, description: Sequence[Any] | None, raw: Sequence[Sequence[Any]]) -> list[Row]:
        if description is None:
            return []
        names = [column[0] for column in description]
        results = self.results if len(self.results) == len(names) else [None] * len(names)
        return [
            {
                name: process(value) if process is not None else value
                for name, process, value in zip(names, results, row, strict=True)
            }
            for row in raw
        ]


@lru_cache(maxsize=1024)
def prepared(statement: Statement, dialect: str) -> Prepared:
    if isinstance(statement, ByDialect):
        statement = statement.sqlite if dialect == "sqlite" else statement.postgresql
    return Prepared(statement, SQLITE if dialect == "sqlite" else POSTGRESQL)


@dataclass(slots=True)
class Result:
    rows: list[Row]
    rowcount: int

    def one(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        return next(iter(self.rows[0].values())) if self.rows else None


class Tx(Protocol):
    """A transaction a job runs its statements in (or a read, outside any)."""

    async def execute(self, statement: Statement, values: Mapping[str, Any] = ..., /) -> Result: ...


class SqliteTx:
    """Statements on a plain sqlite3 connection: `execute` never suspends, so a job made of
    them runs to its end in one step of `run_now` on the writer's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    async def execute(self, statement: Statement, values: Mapping[str, Any] = {}, /) -> Result:
        ready = prepared(statement, "sqlite")
        cursor = self.connection.execute(ready.sql, ready.params(values))
        rows = ready.rows(cursor.description, cursor.fetchall())
        return Result(rows, cursor.rowcount)


def run_now(job: Awaitable[Any]) -> Any:
    """Run a coroutine that never waits (a job of SqliteTx statements) to its end."""
    assert isinstance(job, Coroutine)
    try:
        job.send(None)
    except StopIteration as done:
        return done.value
    job.close()
    raise RuntimeError("a write job awaited something other than its statements")


class PostgresTx:
    """Statements on one psycopg connection (in a transaction, or autocommit for reads)."""

    def __init__(self, connection: psycopg.AsyncConnection[Any]) -> None:
        self.connection = connection

    async def execute(self, statement: Statement, values: Mapping[str, Any] = {}, /) -> Result:
        ready = prepared(statement, "postgresql")
        cursor = await self.connection.execute(ready.sql.encode(), ready.params(values))
        raw = await cursor.fetchall() if cursor.description is not None else []
        return Result(ready.rows(cursor.description, raw), cursor.rowcount)


def insert_values(table: sa.Table, *columns: str) -> sa.Insert:
    """INSERT INTO table (columns) VALUES (:column, ...)."""
    return sa.insert(table).values(_binds(columns))


def insert_or_ignore(table: sa.Table, *columns: str, returning: Any = None) -> ByDialect:
    """INSERT ... ON CONFLICT DO NOTHING, a parameter named for each column (and RETURNING
    the column `returning`, if given)."""

    def make(insert: Callable[..., Any]) -> sa.Executable:
        statement = insert(table).values(_binds(columns)).on_conflict_do_nothing()
        done: sa.Executable = statement if returning is None else statement.returning(returning)
        return done

    return upsert(make)


def insert_or_update(table: sa.Table, key: Sequence[str], *columns: str) -> ByDialect:
    """INSERT ... ON CONFLICT (key) DO UPDATE SET every other column to the new value."""

    def make(insert: Callable[..., Any]) -> sa.Executable:
        statement = insert(table).values(_binds([*key, *columns]))
        changes = {column: statement.excluded[column] for column in columns}
        done: sa.Executable = statement.on_conflict_do_update(index_elements=key, set_=changes)
        return done

    return upsert(make)


def _binds(columns: Sequence[str]) -> dict[str, sa.BindParameter[Any]]:
    return {name: sa.bindparam(name) for name in columns}
