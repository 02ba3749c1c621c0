"""The one writer: every waiting write job runs in one batch, on one thread, with one COMMIT.

A write job is a plain function of a `sqlite3.Connection`. The writer owns that connection
on a thread of its own; it takes every job queued so far, runs them in one BEGIN IMMEDIATE
transaction, each inside its own SAVEPOINT (a job that raises is rolled back alone, and its
caller gets the exception), then commits once. Callers hear back only after that COMMIT:
an attempt is never reported recorded before it is. Nothing else may write on this
connection, and a job may not begin, commit or roll back itself.

Why not aiosqlite for writes: its public API runs one statement per hop to its thread (about
70 us each here), and cannot run a function of ours on that thread; a click's job of four
statements then cost more in hops than in SQLite. One hop per batch costs the same as one
statement. The read connection stays aiosqlite (see sqlite.py).

While a batch runs, the GIL's switch interval is lowered (`BATCH_SWITCH_INTERVAL`): sqlite3
releases the GIL around every statement, and with the default 5 ms a busy event loop kept
it for up to 5 ms after each of the writer's statements, so that a batch advanced only when
the loop went idle (a burst's answers waited for it). The thread stays: a COMMIT, or the
checkpoint that follows one now and then, may wait for the disk, and the gateway must not.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot.store.errors import StoreClosed

log = logging.getLogger(__name__)

T = TypeVar("T")

WriteJob = Callable[[sqlite3.Connection], T]
"""Statements for one caller; they run inside a SAVEPOINT of a transaction the writer commits."""

MAX_BATCH = 512
"""Jobs per transaction at most: a burst commits in a few batches, each answered at once."""

BATCH_SWITCH_INTERVAL = 0.0002
"""Seconds a thread that wants the GIL waits before asking its holder to let go, while a
batch runs (Python's default, restored after, is 0.005). Measured on 2 loaded cores, bursts
of 300 clicks: ~0.55-0.70x the bare bot's clicks/s with the default, ~0.71-0.77x with this."""


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
class _Outcome:
    result: Any = None
    error: BaseException | None = None


class Writer:
    """Serialises writes: one batch at a time, one COMMIT per batch."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        thread: ThreadPoolExecutor,
        *,
        before_commit: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        self._connection = connection
        self._thread = thread
        self._before_commit = before_commit
        self._queue: asyncio.Queue[_Queued[Any] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @classmethod
    async def open(
        cls, path: Path, *, before_commit: Callable[[sqlite3.Connection], None] | None = None
    ) -> Writer:
        """A writer on its own thread and connection to `path` (already migrated, in WAL).

        `before_commit(connection)` is for tests only: it runs on the writer's thread after a
        batch's jobs and before its COMMIT, seeing the batch's writes (a test kills the
        process there)."""
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        loop = asyncio.get_running_loop()
        try:
            connection = await loop.run_in_executor(thread, _connect, path)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        writer = cls(connection, thread, before_commit=before_commit)
        writer._task = asyncio.create_task(writer._drain(), name="store-writer")
        return writer

    async def submit(self, job: WriteJob[T]) -> T:
        """Run `job` in the next batch; return its result once that batch is committed.

        A caller cancelled while waiting does not cancel the write: an answered click is a
        fact, and the writer runs every job it has queued.
        """
        if self._closing or self._task is None:
            raise StoreClosed()
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Queued(job, done))
        return await done

    async def stop(self) -> None:
        """Refuse new jobs, commit the queued ones, close the connection and the thread."""
        if self._closing:
            return
        self._closing = True
        self._queue.put_nowait(None)
        try:
            if self._task is not None:
                await self._task
        finally:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._thread, self._connection.close)
            self._thread.shutdown(wait=True)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
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
                jobs = [queued.job for queued in batch]
                with _QUICK_SWITCHES:
                    outcomes = await loop.run_in_executor(self._thread, self._run_batch, jobs)
                for queued, outcome in zip(batch, outcomes, strict=True):
                    if queued.done.done():  # its caller stopped waiting
                        continue
                    if outcome.error is not None:
                        queued.done.set_exception(outcome.error)
                    else:
                        queued.done.set_result(outcome.result)
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

    def _run_batch(self, jobs: list[WriteJob[Any]]) -> list[_Outcome]:
        """On the writer's thread: every job in its SAVEPOINT, then one COMMIT."""
        db = self._connection
        outcomes: list[_Outcome] = []
        try:
            db.execute("BEGIN IMMEDIATE")
            for job in jobs:
                db.execute("SAVEPOINT job")
                try:
                    result = job(db)
                except Exception as error:
                    db.execute("ROLLBACK TO job")  # this job's statements only
                    db.execute("RELEASE job")
                    outcomes.append(_Outcome(error=error))
                else:
                    db.execute("RELEASE job")
                    outcomes.append(_Outcome(result=result))
            if self._before_commit is not None:
                self._before_commit(db)
            db.execute("COMMIT")
        except Exception as error:  # BEGIN or COMMIT failed: nothing of the batch is stored
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("rolling back a failed batch failed too")
            return [_Outcome(error=error) for _ in jobs]
        return outcomes


def _connect(path: Path) -> sqlite3.Connection:
    """The writer's connection, opened on its own thread (and only ever used there)."""
    from bot.store.schema import BUSY_TIMEOUT_MS

    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")  # WAL is the file's own, set at open
    return connection
