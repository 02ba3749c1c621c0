"""The one writer: a task that drains a queue of write jobs onto one SQLite connection.

Each job runs in its own BEGIN IMMEDIATE transaction and its caller hears back only after
that COMMIT. Nothing else may write on this connection, and no job may await anything but
its own statements (it holds the database's write lock while it runs).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import aiosqlite

from bot.store.errors import StoreClosed

log = logging.getLogger(__name__)

T = TypeVar("T")

WriteJob = Callable[[aiosqlite.Connection], Awaitable[T]]
"""Statements for one caller; they run inside a transaction the writer opens and commits."""


@dataclass(slots=True)
class _Queued(Generic[T]):
    job: WriteJob[T]
    done: asyncio.Future[T]


class Writer:
    """Serialises writes. A later issue may commit several queued jobs at once (a SAVEPOINT
    each, one COMMIT for the batch) without changing `submit`'s promise."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._queue: asyncio.Queue[_Queued[Any] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._drain(), name="store-writer")

    async def submit(self, job: WriteJob[T]) -> T:
        """Run `job` in its own transaction; return its result once committed.

        A caller cancelled while waiting does not cancel the write: an answered click is a
        fact, and the writer runs every job it has queued (see _commit).
        """
        if self._closing or self._task is None:
            raise StoreClosed()
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Queued(job, done))
        return await done

    async def stop(self) -> None:
        """Refuse new jobs, finish the queued ones, then return."""
        if self._closing:
            return
        self._closing = True
        self._queue.put_nowait(None)
        if self._task is not None:
            await self._task

    async def _drain(self) -> None:
        try:
            while (queued := await self._queue.get()) is not None:
                await self._commit(queued)
        finally:
            # Only reached early if the task itself was cancelled: nobody must wait forever.
            while not self._queue.empty():
                left = self._queue.get_nowait()
                if left is not None and not left.done.done():
                    left.done.set_exception(StoreClosed())

    async def _commit(self, queued: _Queued[Any]) -> None:
        # Runs even if the caller has stopped waiting (its future is then cancelled).
        connection = self._connection
        try:
            await connection.execute("BEGIN IMMEDIATE")
            result = await queued.job(connection)
            await connection.execute("COMMIT")
        except Exception as error:
            if connection.in_transaction:
                try:
                    await connection.execute("ROLLBACK")
                except Exception:
                    log.exception("rolling back a failed write failed too")
            if not queued.done.done():
                queued.done.set_exception(error)
        except BaseException:
            # The writer task itself is being cancelled: its caller must not wait forever.
            if not queued.done.done():
                queued.done.set_exception(StoreClosed())
            raise
        else:
            if not queued.done.done():
                queued.done.set_result(result)
