"""The connections of one store: the writer (bot.store.writer) and reads, for an SQLite file
or a PostgreSQL database; everything above this module is the same for both.

SQLite: reads on one aiosqlite connection (query_only; in WAL a reader never waits for the
writer). PostgreSQL: a psycopg pool; each read is one statement on a pooled connection,
outside any transaction. Opening upgrades the schema first (bot.store.upgrade).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import psycopg
import sqlalchemy as sa
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.store import upgrade
from bot.store.errors import DatabaseNotWritable, StoreClosed
from bot.store.location import Location, PostgresUrl
from bot.store.run import PostgresTx, Result, Statement, prepared
from bot.store.writer import (
    SQLITE_BUSY_TIMEOUT_MS,
    BeforeCommit,
    WriteJob,
    Writer,
    postgres_writer,
    sqlite_writer,
)

T = TypeVar("T")
POOL_SIZE = 10
LOOKUP_BUSY_TIMEOUT_MS = 100  # the rare wait (the WAL index rebuilt after a crash) stays short
CONNECT_TIMEOUT_SECONDS = 10


class Database:
    """Reads and the one writer on one database."""

    def __init__(self, location: Location, writer: Writer) -> None:
        self.location = location
        self.writer = writer
        self._closed = False

    async def read(self, statement: Statement, values: Mapping[str, Any] = {}) -> Result:
        raise NotImplementedError

    async def lookup(self, statement: Statement, values: Mapping[str, Any]) -> Result:
        """A read by key on the click path (SQLite answers it on the event loop)."""
        return await self.read(statement, values)

    async def write(self, job: WriteJob[T]) -> T:
        if self._closed:
            raise StoreClosed()
        return await self.writer.submit(job)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self.writer.stop()


class SqliteDatabase(Database):
    def __init__(self, path: Path, writer: Writer, reads: aiosqlite.Connection) -> None:
        super().__init__(path, writer)
        self._reads = reads
        self._lookups = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lookups.execute(f"PRAGMA busy_timeout = {LOOKUP_BUSY_TIMEOUT_MS}")
        self._lookups.execute("PRAGMA query_only = ON")

    async def lookup(self, statement: Statement, values: Mapping[str, Any]) -> Result:
        """On the event loop itself: a read by key takes microseconds in WAL (a reader never
        waits for the writer), where a hop to the read connection's thread costs far more
        on a busy loop, and every click makes one."""
        ready = prepared(statement, "sqlite")
        cursor = self._lookups.execute(ready.sql, ready.params(values))
        return Result(ready.rows(cursor.description, cursor.fetchall()), cursor.rowcount)

    async def read(self, statement: Statement, values: Mapping[str, Any] = {}) -> Result:
        ready = prepared(statement, "sqlite")
        async with self._reads.execute(ready.sql, ready.params(values)) as cursor:
            raw = await cursor.fetchall()
            return Result(ready.rows(cursor.description, list(raw)), cursor.rowcount)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._lookups.close()
            await self._reads.close()


class PostgresDatabase(Database):
    def __init__(self, url: PostgresUrl, writer: Writer, pool: AsyncConnectionPool[Any]) -> None:
        super().__init__(url, writer)
        self._pool = pool

    async def read(self, statement: Statement, values: Mapping[str, Any] = {}) -> Result:
        async with self._pool.connection() as connection:
            return await PostgresTx(connection).execute(statement, values)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await self._pool.close()


async def open_database(
    location: Location, *, before_commit: BeforeCommit | None = None, pool_size: int = POOL_SIZE
) -> Database:
    """Check and upgrade the database, then connect. Raises DatabaseUnusable naming the file
    (or the URL without its password) and what to do."""
    if isinstance(location, Path):
        await asyncio.to_thread(upgrade.upgrade_sqlite, location)
        writer = await sqlite_writer(location, before_commit=before_commit)
        try:
            reads = await aiosqlite.connect(location, isolation_level=None)
            await reads.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            await reads.execute("PRAGMA query_only = ON")
        except sqlite3.Error as error:
            await writer.stop()
            raise upgrade.unusable(location, error) from error
        return SqliteDatabase(location, writer, reads)
    try:
        await asyncio.to_thread(upgrade.upgrade_postgresql, location)
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            location.secret(),
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True},
            open=False,
            name="tutor-store",
        )
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
    except (psycopg.OperationalError, PoolTimeout, sa.exc.OperationalError) as error:
        raise DatabaseNotWritable(
            location,
            f"PostgreSQL refused or did not answer ({_first_line(error)})",
            "Check that the server is running and DATABASE_URL names its host, port, "
            "user and database, and that the user may create tables there",
        ) from None
    return PostgresDatabase(location, postgres_writer(pool, before_commit=before_commit), pool)


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__
