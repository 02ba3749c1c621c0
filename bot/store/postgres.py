"""The learner store in PostgreSQL, shared by several bot processes (shards, or an old and
a new process during a rolling restart).

psycopg 3 with its connection pool. The rules that need a count (the attempt limit, a
double click) are enforced by UNIQUE constraints, not by locks held in this process: an
attempt turned away by one means another transaction, perhaps in another process, got
there first, so it is read and decided again (usually: refused). Times come from the bot's
clock, never from now().

The click path has modules of its own: attempts are recorded a batch at a time
(pg_attempts.py), the post and its closed state are read coalesced (pg_lookups.py). The
learner log's other reads are in pg_log_reads.py; every other write is one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import aiosqlite
import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bot import progress
from bot.metrics import STORE_WRITE_SECONDS
from bot.progress import PostContext
from bot.store import pg_queries as sql
from bot.store.errors import DatabaseNotWritable, StoreClosed, UnknownPost
from bot.store.guilds import SqliteGuilds
from bot.store.location import PostgresUrl
from bot.store.pattern_tests import SqlitePatternTests
from bot.store.pg_attempts import AttemptBatches, AttemptRequest, BeforeAnswering
from bot.store.pg_compat import (
    Dialect,
    PooledReads,
    SqliteStyleFromThread,
    generated_keys,
)
from bot.store.pg_log_reads import LogReads, one
from bot.store.pg_lookups import ClickLookups, PostgresQuizzes, PostgresServers
from bot.store.pg_schema import migrate
from bot.store.protocol import AttemptResult, HintUse, Post, Store
from bot.store.quizzes import SqliteQuizzes
from bot.store.rows import post_from_row
from exercises.model import LETTERS, MAX_BLANKS, Difficulty

log = logging.getLogger(__name__)

T = TypeVar("T")
Connection = psycopg.AsyncConnection[dict[str, Any]]
Job = Callable[[Connection], Awaitable[T]]

CONNECT_TIMEOUT_SECONDS = 10
POOL_SIZE = 10
_GLOBAL = 0  # the scope of the global slash commands in command_syncs


class PostgresStore(LogReads):
    """Implements bot.store.Store. Open with `await PostgresStore.open(url)`, then close()."""

    def __init__(
        self,
        url: PostgresUrl,
        pool: AsyncConnectionPool[Connection],
        dialect: Dialect,
        *,
        before_answering: BeforeAnswering | None = None,
    ) -> None:
        self.url = url
        self._pool = pool
        self._closed = False
        self._writes: set[asyncio.Task[Any]] = set()
        self._attempts = AttemptBatches(pool, before_answering=before_answering)
        self._lookups = ClickLookups(pool)  # a click's reads, coalesced
        # Where both dialects agree, the SQLite code runs here as it is (bot.store.pg_compat).
        self._dialect = dialect
        reads = cast(aiosqlite.Connection, PooledReads(pool, dialect))
        self.servers = PostgresServers(self._lookups, self._write_as_sqlite, reads)
        self.quizzes: SqliteQuizzes = PostgresQuizzes(self._lookups, self._write_as_sqlite, reads)
        self.guilds = SqliteGuilds(self._write_as_sqlite, reads)
        self.pattern_tests = SqlitePatternTests(self._write_as_sqlite, reads)

    def __repr__(self) -> str:
        return f"PostgresStore({self.url})"  # without the password

    @classmethod
    async def open(
        cls,
        url: PostgresUrl,
        *,
        pool_size: int = POOL_SIZE,
        before_answering: BeforeAnswering | None = None,
    ) -> PostgresStore:
        """Connect, bring the schema up to date, and open the pool.

        Raises DatabaseUnusable (naming the URL without its password, and what to do) if no
        server answers, or the database is someone else's or from a newer release.
        `before_answering` is for tests only (see AttemptBatches).
        """
        try:
            async with await psycopg.AsyncConnection.connect(
                url.secret(), autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            ) as connection:
                await migrate(connection, url)
                dialect = Dialect(await generated_keys(connection))
        except psycopg.OperationalError as error:
            raise DatabaseNotWritable(
                url,
                f"PostgreSQL refused or did not answer ({_first_line(error)})",
                "Check that the server is running and DATABASE_URL names its host, port, "
                "user and database, and that the user may create tables there",
            ) from error
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url.secret(),
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "row_factory": dict_row},
            open=False,
            name="tutor-store",
        )
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
        return cls(url, pool, dialect, before_answering=before_answering)

    async def close(self) -> None:
        """Finish the writes already accepted, then close the pool."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._attempts.stop()
            if self._writes:
                await asyncio.gather(*self._writes, return_exceptions=True)
            await self._lookups.wait()
        finally:
            await self._pool.close()

    async def __aenter__(self) -> PostgresStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # Posts

    async def create_post(
        self,
        *,
        guild_id: int,
        channel_id: int,
        exercise_id: str,
        content_hash: str,
        difficulty: Difficulty,
        context: PostContext,
        attempt_limit: int,
        posted_at: datetime,
        message_id: int | None = None,
    ) -> Post:
        if attempt_limit < 1:
            raise ValueError(f"a post allows at least one attempt, got {attempt_limit}")
        values = (
            guild_id,
            channel_id,
            message_id,
            exercise_id,
            content_hash,
            Difficulty(difficulty).value,
            PostContext(context).value,
            attempt_limit,
            progress.require_aware(posted_at, "posted_at"),
        )

        async def insert(db: Connection) -> Post:
            row = await one(db, sql.PG_INSERT_POST, values)
            assert row is not None
            return post_from_row(row)

        return await self._write(insert)

    async def set_post_message(self, post_id: int, message_id: int) -> Post:
        async def update(db: Connection) -> Post:
            cursor = await db.execute(sql.PG_SET_POST_MESSAGE, (message_id, post_id))
            if cursor.rowcount == 0:
                raise UnknownPost(post_id)
            return await _post(db, post_id)

        return await self._write(update)

    async def get_post(self, post_id: int) -> Post | None:
        if self._closed:
            raise StoreClosed()
        return await self._lookups.posts.get(post_id)

    # Attempts and hints

    async def record_attempt(
        self,
        *,
        post_id: int,
        member_id: int,
        interaction_id: int,
        answer: str,
        correct: bool,
        answered_at: datetime,
    ) -> AttemptResult:
        _check_answer(answer)
        at = progress.require_aware(answered_at, "answered_at")
        request = AttemptRequest(post_id, member_id, interaction_id, answer, correct, at)
        with STORE_WRITE_SECONDS.time():
            return await self._attempts.record(request)

    async def use_hint(
        self, *, post_id: int, member_id: int, hint_number: int, used_at: datetime
    ) -> HintUse:
        if hint_number < 1:
            raise ValueError(f"hints are numbered from 1, got {hint_number}")
        values = (post_id, member_id, hint_number, progress.require_aware(used_at, "used_at"))

        async def take(db: Connection) -> HintUse:
            if await one(db, sql.PG_POST, (post_id,)) is None:
                raise UnknownPost(post_id)
            cursor = await db.execute(sql.PG_INSERT_HINT, values)
            newly_used = cursor.rowcount == 1
            row = await one(db, sql.PG_HINTS_USED, (post_id, member_id))
            assert row is not None
            return HintUse(hint_number, newly_used, int(row["count"]))

        return await self._write(take)

    # Slash commands

    async def synced_commands(self, *, guild_id: int | None) -> str | None:
        row = await self._read(one, sql.PG_SYNCED_COMMANDS, (guild_id or _GLOBAL,))
        return str(row["tree_hash"]) if row is not None else None

    async def record_commands_synced(
        self, *, guild_id: int | None, tree_hash: str, synced_at: datetime
    ) -> None:
        values = (guild_id or _GLOBAL, tree_hash, progress.require_aware(synced_at, "synced_at"))

        async def record(db: Connection) -> None:
            await db.execute(sql.PG_RECORD_COMMAND_SYNC, values)

        await self._write(record)

    async def check_writable(self) -> None:
        """A transaction that writes nothing: raises if the database cannot be reached."""

        async def nothing(db: Connection) -> None:
            await db.execute("SELECT 1")

        await self._write(nothing)

    # Running statements

    async def _write(self, job: Job[T]) -> T:
        """Run `job` in its own transaction. A caller that stops waiting does not cancel
        the write (an answered click is a fact); close() waits for it."""
        if self._closed:
            raise StoreClosed()
        task = asyncio.create_task(self._transaction(job))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        with STORE_WRITE_SECONDS.time():
            return await asyncio.shield(task)

    async def _write_as_sqlite(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """A write job written for SQLite's writer (a function of a sqlite3 connection), in
        its own transaction here: it runs in a worker thread, its statements on this loop."""

        async def run(db: Connection) -> T:
            loop = asyncio.get_running_loop()
            style = cast(sqlite3.Connection, SqliteStyleFromThread(db, self._dialect, loop))
            return await asyncio.to_thread(job, style)

        return await self._write(run)

    async def _transaction(self, job: Job[T]) -> T:
        async with self._pool.connection() as db, db.transaction():
            return await job(db)


async def _post(db: Connection, post_id: int) -> Post:
    row = await one(db, sql.PG_POST, (post_id,))
    if row is None:
        raise UnknownPost(post_id)
    return post_from_row(row)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _check_answer(answer: str) -> None:
    if not 1 <= len(answer) <= MAX_BLANKS or any(letter not in LETTERS for letter in answer):
        raise ValueError(
            f"an answer is 1 to {MAX_BLANKS} option letters from {LETTERS}, got {answer!r}"
        )


if TYPE_CHECKING:
    _keeps_the_contract: type[Store] = PostgresStore
