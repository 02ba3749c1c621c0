"""SQLite's connection interface (aiosqlite's execute, cursor, rows) over one PostgreSQL
connection, so that store code written for SQLite runs unchanged on PostgreSQL where the
two dialects agree.

`?` and `:name` placeholders become psycopg's; an INSERT into a table whose key PostgreSQL
generates gets `RETURNING key`, which becomes the cursor's `lastrowid`; rows answer both
`row[0]` and `row["name"]`, like sqlite3.Row. A statement whose SQL PostgreSQL reads
differently carries PostgreSQL's words with it (bot.store.dialects.BothDialects), and
those run instead.
Parameters are passed as they are: SQLite's UTC ISO text times are cast by PostgreSQL to
the timestamptz columns they are compared with or written to.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import (
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from functools import lru_cache
from types import TracebackType
from typing import Any

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)\b")
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


class Row(Sequence[Any]):
    """A row read by index or by column name, like sqlite3.Row (and a dict's `keys`)."""

    __slots__ = ("_names", "_values")

    def __init__(self, values: Sequence[Any], names: Mapping[str, int]) -> None:
        self._values = tuple(values)
        self._names = names

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, (Row, tuple)) else other)

    def __hash__(self) -> int:
        return hash(self._values)

    def keys(self) -> list[str]:
        return list(self._names)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._names else default

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values, strict=True))!r})"


def rows(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[Row]:
    """psycopg row factory making Row."""
    description = cursor.description or []
    names = {column.name: index for index, column in enumerate(description)}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, names)

    return make


@lru_cache(maxsize=512)
def translate(statement: str, keys: tuple[tuple[str, str], ...]) -> tuple[str, bool]:
    """SQLite's statement in psycopg's placeholders; True if RETURNING was added for a key."""
    text = _NAMED.sub(r"%(\1)s", statement.replace("%", "%%").replace("?", "%s"))
    insert = _INSERT_INTO.match(text)
    generated = dict(keys)
    if insert and insert[1] in generated and "RETURNING" not in text.upper():
        return f"{text.rstrip().rstrip(';')} RETURNING {generated[insert[1]]}", True
    return text, False


class Cursor:
    """A statement's outcome, read in full: rows, rowcount and lastrowid, as aiosqlite's."""

    def __init__(self, rows: list[Row], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> list[Row]:
        found, self._rows = self._rows, []
        return found

    async def close(self) -> None:
        self._rows = []


class _Execution:
    """What `execute` returns: awaitable (a Cursor) and an async context manager, as in
    aiosqlite."""

    def __init__(self, run: Callable[[], Awaitable[Cursor]]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        return await self._run()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


class Dialect:
    """How SQLite's statements are run on PostgreSQL: its generated keys, and each
    statement's own PostgreSQL form where it has one."""

    def __init__(self, generated_keys: Mapping[str, str]) -> None:
        self._keys = tuple(sorted(generated_keys.items()))

    def postgresql(self, statement: str) -> tuple[str, bool]:
        """`statement` as PostgreSQL runs it; True if RETURNING was added for a key."""
        return translate(getattr(statement, "postgresql", statement), self._keys)

    async def run(
        self, connection: psycopg.AsyncConnection[Any], statement: str, parameters: Any
    ) -> Cursor:
        sql, returns_key = self.postgresql(statement)
        async with connection.cursor(row_factory=rows) as cursor:
            await cursor.execute(sql, parameters or None)
            found = await cursor.fetchall() if cursor.description else []
            rowcount = cursor.rowcount
        if returns_key:
            key = int(found[0][0]) if found else None
            return Cursor([], rowcount, key)
        return Cursor(found, rowcount, None)


class SqliteStyle:
    """One PostgreSQL connection (in the caller's transaction), spoken to as aiosqlite's."""

    def __init__(self, connection: psycopg.AsyncConnection[Any], dialect: Dialect) -> None:
        self._connection = connection
        self._dialect = dialect

    def execute(self, statement: str, parameters: Any = ()) -> _Execution:
        return _Execution(lambda: self._dialect.run(self._connection, statement, parameters))

    async def executemany(self, statement: str, parameters: Iterable[Any]) -> None:
        for each in parameters:
            await self._dialect.run(self._connection, statement, each)


class SqliteStyleFromThread:
    """One PostgreSQL connection (in the caller's transaction), spoken to as sqlite3's, by a
    write job running in a worker thread: each statement runs on the event loop, which waits
    for the job meanwhile, and the thread waits for the statement."""

    def __init__(
        self,
        connection: psycopg.AsyncConnection[Any],
        dialect: Dialect,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._connection = connection
        self._dialect = dialect
        self._loop = loop

    def execute(self, statement: str, parameters: Any = ()) -> Done:
        run = self._dialect.run(self._connection, statement, parameters)
        cursor = asyncio.run_coroutine_threadsafe(run, self._loop).result()
        return Done(cursor._rows, cursor.rowcount, cursor.lastrowid)

    def executemany(self, statement: str, parameters: Iterable[Any]) -> None:
        for each in parameters:
            self.execute(statement, each)


class Done:
    """A statement's outcome, read in full, as sqlite3's cursor shows it."""

    def __init__(self, rows: list[Row], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Row]:
        found, self._rows = self._rows, []
        return found


class PooledReads:
    """Reads as from aiosqlite's read connection: each statement on a pooled connection."""

    def __init__(self, pool: AsyncConnectionPool[Any], dialect: Dialect) -> None:
        self._pool = pool
        self._dialect = dialect

    def execute(self, statement: str, parameters: Any = ()) -> _Execution:
        async def run() -> Cursor:
            async with self._pool.connection() as connection:
                return await self._dialect.run(connection, statement, parameters)

        return _Execution(run)


async def generated_keys(connection: psycopg.AsyncConnection[Any]) -> dict[str, str]:
    """table -> its key column, for the tables whose key PostgreSQL generates (identity)."""
    cursor = await connection.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    return {str(table): str(column) for table, column in await cursor.fetchall()}
