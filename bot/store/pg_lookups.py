"""The reads every click makes on PostgreSQL (its post, whether a moderator closed it,
whether its daily quiz closed), coalesced: every lookup waiting at a moment goes in one
statement, so a burst of clicks costs a few round trips rather than one per click each.

Nothing is cached. Several bot processes share the database (shards, a rolling restart),
and a moderator may close a post in any of them, so a value remembered here could be
wrong the moment another process commits. Instead a lookup never joins a statement already
on its way: it waits for the next one, which is sent after it asked, and so sees every
change committed before the click was made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, Generic, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.store import pg_queries as sql
from bot.store.protocol import Post
from bot.store.quizzes import SqliteQuizzes
from bot.store.rows import from_db, post_from_row
from bot.store.server_sqlite import SqliteServers

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Connection = psycopg.AsyncConnection[dict[str, Any]]


class Coalesced(Generic[K, V]):
    """Lookups by key: `get(key)` waits for the next statement, which reads every key
    asked for since the last one was sent. One statement at a time."""

    def __init__(self, fetch: Callable[[list[K]], Awaitable[dict[K, V]]]) -> None:
        self._fetch = fetch
        self._asked: dict[K, list[asyncio.Future[V | None]]] = {}
        self._reading: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V | None:
        """The value for `key` as committed after this call, or None if there is none."""
        found: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._asked.setdefault(key, []).append(found)
        if self._reading is None:
            self._reading = asyncio.create_task(self._read(), name="store-lookups")
        return await found

    async def wait(self) -> None:
        """Until the lookups already asked for are answered (before closing the pool)."""
        if self._reading is not None:
            await asyncio.gather(self._reading, return_exceptions=True)

    async def _read(self) -> None:
        try:
            while self._asked:
                asked, self._asked = self._asked, {}
                try:
                    values = await self._fetch(list(asked))
                except Exception as error:
                    for waiting in asked.values():
                        for future in waiting:
                            if not future.done():
                                future.set_exception(error)
                    continue
                for key, waiting in asked.items():
                    for future in waiting:
                        if not future.done():  # its caller may have stopped waiting
                            future.set_result(values.get(key))
        finally:
            self._reading = None


class ClickLookups:
    """The three lookups of a click, each coalesced, on the store's pool."""

    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self._pool = pool
        self.posts: Coalesced[int, Post] = Coalesced(self._posts)
        self.closed_at: Coalesced[int, datetime] = Coalesced(self._closed_at)
        self.quiz_closed: Coalesced[int, bool] = Coalesced(self._quiz_closed)

    async def wait(self) -> None:
        for lookup in (self.posts, self.closed_at, self.quiz_closed):
            await lookup.wait()

    async def _rows(self, statement: str, keys: list[int]) -> list[dict[str, Any]]:
        async with self._pool.connection() as db:
            cursor = await db.execute(statement, (keys,))
            return await cursor.fetchall()

    async def _posts(self, post_ids: list[int]) -> dict[int, Post]:
        rows = await self._rows(sql.POSTS_BY_ID, post_ids)
        return {row["post_id"]: post_from_row(row) for row in rows}

    async def _closed_at(self, post_ids: list[int]) -> dict[int, datetime]:
        rows = await self._rows(sql.CLOSED_AT_BY_POST, post_ids)
        return {row["post_id"]: from_db(row["closed_at"]) for row in rows}

    async def _quiz_closed(self, post_ids: list[int]) -> dict[int, bool]:
        rows = await self._rows(sql.CLOSED_QUIZ_POSTS, post_ids)
        return {row["post_id"]: True for row in rows}


class PostgresServers(SqliteServers):
    """SQLite's servers code (through bot.store.pg_compat), with the click's lookup
    coalesced."""

    def __init__(self, lookups: ClickLookups, *args: Any) -> None:
        super().__init__(*args)
        self._coalesced = lookups

    async def closed_at(self, post_id: int) -> datetime | None:
        return await self._coalesced.closed_at.get(post_id)


class PostgresQuizzes(SqliteQuizzes):
    """SQLite's quizzes code (through bot.store.pg_compat), with the click's lookup
    coalesced."""

    def __init__(self, lookups: ClickLookups, *args: Any) -> None:
        super().__init__(*args)
        self._coalesced = lookups

    async def is_closed(self, post_id: int) -> bool:
        return bool(await self._coalesced.quiz_closed.get(post_id))
