"""The one writer: every waiting write job runs in one batch, in one transaction, one COMMIT.

A write job is an async function of a `Tx` (bot.store.run). The writer takes every job
queued so far and runs them in one transaction, then commits once. Callers hear back only
after that COMMIT: an attempt is never reported recorded before it is. A job may not begin,
commit or roll back itself, and may be run again after a rollback (it is a function of the
transaction, and a rolled-back run left nothing).

Isolation, optimistically: the jobs run one after another with no SAVEPOINT (two statements
less per job, two round trips on PostgreSQL). If one raises, the transaction is rolled back
and the batch runs again with each job in its own SAVEPOINT, so that the failing job alone
fails and its caller gets the exception; a job alone in its batch simply fails. The same
jobs run on both databases:

- SQLite: on a thread of its own with a plain sqlite3 connection (BEGIN IMMEDIATE); the
  job's statements never suspend, so it runs to its end on that thread. One hop per batch,
  and the event loop never waits for a COMMIT's fsync. While a batch runs, the GIL's switch
  interval is lowered (`BATCH_SWITCH_INTERVAL`): sqlite3 releases the GIL around every
  statement, and with the default 5 ms a busy loop kept it for up to 5 ms after each.
- PostgreSQL: on one pooled connection. A job that loses a deadlock to another process's
  batch is run again (in its SAVEPOINT, rolled back first).

Writes that fail because of the database itself (a full disk, a server gone) are counted
and logged one line a minute, and `failing` says so until a write succeeds (/health).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.store.errors import StoreClosed, WritesFailing
from bot.store.run import PostgresTx, SqliteTx, Tx, run_now

log = logging.getLogger(__name__)
Deadlock = psycopg.errors.TransactionRollback

T = TypeVar("T")
WriteJob = Callable[[Tx], Awaitable[T]]
BeforeCommit = Callable[[Tx], Awaitable[None]]
"""For tests only: runs after a batch's jobs, before its COMMIT, seeing the batch's writes."""

MAX_BATCH = 512
"""Jobs per transaction at most: a burst commits in a few batches, each answered at once."""

BATCH_SWITCH_INTERVAL = 0.0002
"""Seconds a thread that wants the GIL waits before asking its holder to let go, while a
batch runs (Python's default, restored after, is 0.005). Measured on 2 loaded cores, bursts
of 300 clicks: ~0.55-0.70x the bare bot's clicks/s with the default, ~0.71-0.77x with this."""

DEADLOCKS_BEFORE_GIVING_UP = 20
LOG_EVERY_SECONDS = 60.0
SQLITE_BUSY_TIMEOUT_MS = 5_000


class _QuickSwitches:
    """The lowered switch interval while any writer's batch runs (several stores may share a
    process, in tests): set by the first, restored by the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._restore = sys.getswitchinterval()

    def __enter__(self) -> None:
        with self._lock:
            if self._running == 0:
                self._restore = sys.getswitchinterval()
                sys.setswitchinterval(min(self._restore, BATCH_SWITCH_INTERVAL))
            self._running += 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                sys.setswitchinterval(self._restore)


_QUICK_SWITCHES = _QuickSwitches()


@dataclass(slots=True)
class _Queued(Generic[T]):
    job: WriteJob[T]
    done: asyncio.Future[T]


@dataclass(slots=True)
class Outcome:
    result: Any = None
    error: BaseException | None = None


RunBatch = Callable[[list[WriteJob[Any]]], Awaitable[list[Outcome]]]


class Writer:
    """Serialises writes: one batch at a time, one COMMIT per batch."""

    def __init__(
        self,
        run_batch: RunBatch,
        close: Callable[[], Awaitable[None]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run_batch = run_batch
        self._close = close
        self._clock = clock
        self._queue: asyncio.Queue[_Queued[Any] | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._drain(), name="store-writer")
        self._closing = False
        self.failing = 0
        """Writes failed by the database itself since the last one that succeeded."""
        self._logged_at: float | None = None

    async def submit(self, job: WriteJob[T]) -> T:
        """Run `job` in the next batch; return its result once that batch is committed.

        A caller cancelled while waiting does not cancel the write: an answered click is a
        fact, and the writer runs every job it has queued.
        """
        if self._closing:
            raise StoreClosed()
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Queued(job, done))
        return await done

    async def stop(self) -> None:
        """Refuse new jobs, commit the queued ones, then release the connection."""
        if self._closing:
            return
        self._closing = True
        self._queue.put_nowait(None)
        try:
            await self._task
        finally:
            await self._close()

    async def _drain(self) -> None:
        stopping = False
        batch: list[_Queued[Any]] = []
        try:
            while not stopping:
                first = await self._queue.get()
                if first is None:
                    break
                batch = [first]
                while len(batch) < MAX_BATCH and not self._queue.empty():
                    queued = self._queue.get_nowait()
                    if queued is None:
                        stopping = True
                        break
                    batch.append(queued)
                outcomes = await self._run_batch([queued.job for queued in batch])
                for queued, outcome in zip(batch, outcomes, strict=True):
                    self._settle(queued, outcome)
                batch = []
        finally:
            # Only reached early if the task itself was cancelled: nobody must wait forever.
            for left in batch:
                if not left.done.done():
                    left.done.set_exception(StoreClosed())
            while not self._queue.empty():
                queued_left = self._queue.get_nowait()
                if queued_left is not None and not queued_left.done.done():
                    queued_left.done.set_exception(StoreClosed())

    def _settle(self, queued: _Queued[Any], outcome: Outcome) -> None:
        error = outcome.error
        if error is not None and is_about_the_database(error):
            self._count_failure(error)
            error = WritesFailing(error)
        elif error is None:
            self.failing = 0
        if queued.done.done():  # its caller stopped waiting
            return
        if error is not None:
            queued.done.set_exception(error)
        else:
            queued.done.set_result(outcome.result)

    def _count_failure(self, error: BaseException) -> None:
        self.failing += 1
        now = self._clock()
        if self._logged_at is None or now - self._logged_at >= LOG_EVERY_SECONDS:
            self._logged_at = now
            log.error("writes are failing: %d since the last one stored (%s)", self.failing, error)


def is_about_the_database(error: BaseException) -> bool:
    """A failure of the database itself (disk full or failing, server gone), not of a job."""
    return isinstance(error, sqlite3.OperationalError | psycopg.OperationalError)


async def sqlite_writer(path: Path, *, before_commit: BeforeCommit | None = None) -> Writer:
    """A writer on its own thread and connection to `path` (already upgraded, in WAL)."""
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
    loop = asyncio.get_running_loop()
    try:
        connection = await loop.run_in_executor(thread, _connect, path)
    except BaseException:
        thread.shutdown(wait=False)
        raise

    async def run_batch(jobs: list[WriteJob[Any]]) -> list[Outcome]:
        with _QUICK_SWITCHES:
            return await loop.run_in_executor(
                thread, _sqlite_batch, connection, jobs, before_commit
            )

    async def close() -> None:
        await loop.run_in_executor(thread, connection.close)
        thread.shutdown(wait=True)

    return Writer(run_batch, close)


def _connect(path: Path) -> sqlite3.Connection:
    """The writer's connection, opened on its own thread (and only ever used there). Every
    COMMIT is on the disk before its callers hear of it (synchronous = FULL)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def _sqlite_batch(
    db: sqlite3.Connection, jobs: list[WriteJob[Any]], before_commit: BeforeCommit | None
) -> list[Outcome]:
    """On the writer's thread: the batch in one transaction, one COMMIT (isolated as the
    module's docstring says)."""
    tx = SqliteTx(db)
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            outcomes = [Outcome(result=run_now(job(tx))) for job in jobs]
        except Exception as error:
            db.execute("ROLLBACK")
            if len(jobs) == 1:
                return [Outcome(error=error)]
            db.execute("BEGIN IMMEDIATE")
            outcomes = [_sqlite_job(db, tx, job) for job in jobs]
        if before_commit is not None:
            run_now(before_commit(tx))
        db.execute("COMMIT")
    except Exception as error:  # BEGIN or COMMIT failed: nothing of the batch is stored
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rolling back a failed batch failed too")
        return [Outcome(error=error) for _ in jobs]
    return outcomes


def _sqlite_job(db: sqlite3.Connection, tx: Tx, job: WriteJob[Any]) -> Outcome:
    db.execute("SAVEPOINT job")
    try:
        result = run_now(job(tx))
    except Exception as error:
        db.execute("ROLLBACK TO job")  # this job's statements only
        return Outcome(error=error)
    finally:
        db.execute("RELEASE job")
    return Outcome(result=result)


def postgres_writer(
    pool: AsyncConnectionPool[Any], *, before_commit: BeforeCommit | None = None
) -> Writer:
    async def run_batch(jobs: list[WriteJob[Any]]) -> list[Outcome]:
        try:
            async with pool.connection() as db:
                tx = PostgresTx(db)
                try:
                    async with db.transaction():
                        outcomes = [Outcome(result=await job(tx)) for job in jobs]
                        if before_commit is not None:
                            await before_commit(tx)
                    return outcomes
                except psycopg.OperationalError:
                    raise  # the connection itself: the batch fails
                except Exception as error:
                    if len(jobs) == 1 and not isinstance(error, Deadlock):
                        return [Outcome(error=error)]
                async with db.transaction():
                    outcomes = [await _postgres_job(db, tx, job) for job in jobs]
                    if before_commit is not None:
                        await before_commit(tx)
        except Exception as error:  # BEGIN or COMMIT failed: nothing of the batch is stored
            return [Outcome(error=error) for _ in jobs]
        return outcomes

    async def close() -> None:
        return None

    return Writer(run_batch, close)


async def _postgres_job(db: psycopg.AsyncConnection[Any], tx: Tx, job: WriteJob[Any]) -> Outcome:
    for _ in range(DEADLOCKS_BEFORE_GIVING_UP):
        try:
            async with db.transaction():  # a SAVEPOINT
                return Outcome(result=await job(tx))
        except Deadlock:
            continue  # lost a deadlock to another process: its SAVEPOINT is undone, again
        except psycopg.OperationalError:
            raise  # the connection itself: the batch fails
        except Exception as error:
            return Outcome(error=error)
    return Outcome(error=RuntimeError("gave up after losing every deadlock; too busy"))
