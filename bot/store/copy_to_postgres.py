"""`python -m bot migrate-to URL`: copy every row of the SQLite store into an empty
PostgreSQL store, then check that every table holds the same rows on both sides.

The SQLite file is first brought up to the current schema (with its usual backup), so both
sides have the same tables and columns. The copy is one PostgreSQL transaction: either
everything is copied or nothing is. Id sequences are moved past the copied ids, so the
next post or attempt gets a new id. The SQLite file is only read.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bot.store.errors import StoreError
from bot.store.location import PostgresUrl
from bot.store.postgres import PostgresStore
from bot.store.rows import from_db
from bot.store.sqlite import SqliteStore

_TIMESTAMP = "timestamp with time zone"


class CopyFailed(StoreError):
    pass


@dataclass(frozen=True, slots=True)
class CopiedTable:
    name: str
    rows: int


async def copy_to_postgres(source: Path, target: PostgresUrl) -> list[CopiedTable]:
    """Copy and verify; returns each table with its row count. Raises CopyFailed, naming
    the table, if the target already holds rows or a table's contents differ after."""
    if not await asyncio.to_thread(source.is_file):
        raise CopyFailed(f"there is no SQLite database at {source} (check DATABASE_PATH)")
    async with await SqliteStore.open(source):  # the current schema, as the target's
        pass
    async with await PostgresStore.open(target):  # creates or checks the tables
        pass
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as lite:
        tables = _tables_parents_first(lite)
        async with await psycopg.AsyncConnection.connect(target.secret()) as pg:
            types = await _column_types(pg, tables)
            async with pg.transaction():
                await _refuse_if_not_empty(pg, tables, target)
                copied = [await _copy(lite, pg, table, types[table]) for table in tables]
                await _advance_sequences(pg)
            for table in tables:
                await _verify(lite, pg, table, types[table])
    return copied


def _tables_parents_first(lite: sqlite3.Connection) -> list[str]:
    names = [
        row[0]
        for row in lite.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    parents = {
        name: {row[2] for row in lite.execute(f'PRAGMA foreign_key_list("{name}")')}
        for name in names
    }
    return list(TopologicalSorter(parents).static_order())


async def _column_types(
    pg: psycopg.AsyncConnection[Any], tables: list[str]
) -> dict[str, dict[str, str]]:
    cursor = await pg.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    types: dict[str, dict[str, str]] = {}
    for table, column, data_type in await cursor.fetchall():
        types.setdefault(table, {})[column] = data_type
    missing = [table for table in tables if table not in types]
    if missing:
        raise CopyFailed(f"PostgreSQL has no table {missing[0]!r}; is its schema current?")
    return types


async def _refuse_if_not_empty(
    pg: psycopg.AsyncConnection[Any], tables: list[str], target: PostgresUrl
) -> None:
    for table in tables:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
        row = await (await pg.execute(query)).fetchone()
        if row is not None and row[0]:
            raise CopyFailed(
                f"{target} already holds rows (table {table}); migrate into an empty "
                "database, nothing was copied"
            )


async def _copy(
    lite: sqlite3.Connection, pg: psycopg.AsyncConnection[Any], table: str, types: dict[str, str]
) -> CopiedTable:
    columns = list(types)
    # SQLite keeps "no time" as '' in a few NOT NULL text columns (a skipped quiz day's
    # lease); PostgreSQL's timestamptz columns say it with NULL.
    times = [types[column] == _TIMESTAMP for column in columns]
    listed = ", ".join(f'"{column}"' for column in columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    async with pg.cursor().copy(statement) as copy:
        for row in lite.execute(f'SELECT {listed} FROM "{table}"'):
            values = zip(times, row, strict=True)
            await copy.write_row(
                [None if time and value == "" else value for time, value in values]
            )
            count += 1
    return CopiedTable(table, count)


async def _advance_sequences(pg: psycopg.AsyncConnection[Any]) -> None:
    cursor = await pg.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in await cursor.fetchall():
        await pg.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({qualified}, {column}),"
                " coalesce(max({id}), 0) + 1, false) FROM {table}"
            ).format(
                qualified=sql.Literal(table),
                column=sql.Literal(column),
                id=sql.Identifier(column),
                table=sql.Identifier(table),
            )
        )


async def _verify(
    lite: sqlite3.Connection,
    pg: psycopg.AsyncConnection[Any],
    table: str,
    types: dict[str, str],
) -> None:
    columns = list(types)
    readers: list[Callable[[Any], Any]] = [
        _moment if types[column] == _TIMESTAMP else _same for column in columns
    ]
    listed = ", ".join(f'"{column}"' for column in columns)
    source = sorted(
        (
            tuple(read(value) for read, value in zip(readers, row, strict=True))
            for row in lite.execute(f'SELECT {listed} FROM "{table}"')
        ),
        key=repr,
    )
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
    )
    rows = await (await pg.execute(query)).fetchall()
    copied = sorted(
        (tuple(read(value) for read, value in zip(readers, row, strict=True)) for row in rows),
        key=repr,
    )
    if copied != source:
        differing = next(
            (pair for pair in zip(source, copied, strict=False) if pair[0] != pair[1]), None
        )
        raise CopyFailed(
            f"table {table}: {len(source)} rows in SQLite, {len(copied)} in PostgreSQL, "
            f"and their contents differ (first difference: {differing})"
        )


def _moment(value: str | datetime | None) -> datetime | None:
    return from_db(value) if value else None  # '' is no time, as NULL is


def _same(value: Any) -> Any:
    return value
