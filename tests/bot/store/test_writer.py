"""The writer's batches: waiting jobs share one transaction and one COMMIT, a failing job
fails alone (the batch is run again with each job in its SAVEPOINT), and no caller hears
back before that COMMIT. The batch rules run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from psycopg_pool import AsyncConnectionPool

from bot.store.errors import WritesFailing
from bot.store.writer import (
    BATCH_SWITCH_INTERVAL,
    BeforeCommit,
    Writer,
    postgres_writer,
    sqlite_writer,
)
from tests.postgres import fresh_schema


def numbers_table(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE numbers (n INTEGER PRIMARY KEY)")


def stored(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT n FROM numbers ORDER BY n")]


INSERT = sa.text("INSERT INTO numbers (n) VALUES (:n)")
COUNT = sa.text("SELECT count(*) FROM numbers")


def insert(n: int):
    async def job(tx) -> int:
        await tx.execute(INSERT, {"n": n})
        return n

    return job


def insert_then_fail(n: int):
    async def job(tx) -> int:
        await tx.execute(INSERT, {"n": n})
        raise ValueError(f"job {n} fails after its insert")

    return job


def count_into(commits: list[int]):
    async def count(tx) -> None:
        commits.append((await tx.execute(COUNT)).scalar())

    return count


class SqliteNumbers:
    """The numbers table in an SQLite file, and writers on it."""

    duplicate = sqlite3.IntegrityError

    def __init__(self, path: Path) -> None:
        numbers_table(path)
        self.path = path

    async def writer(self, before_commit: BeforeCommit | None = None) -> Writer:
        return await sqlite_writer(self.path, before_commit=before_commit)

    async def stored(self) -> list[int]:
        return stored(self.path)


class PostgresNumbers:
    """The numbers table in a PostgreSQL schema of its own, and writers on a pool to it."""

    duplicate = psycopg.errors.UniqueViolation

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self.pool = pool

    async def writer(self, before_commit: BeforeCommit | None = None) -> Writer:
        return postgres_writer(self.pool, before_commit=before_commit)

    async def stored(self) -> list[int]:
        async with self.pool.connection() as db:
            rows = await (await db.execute("SELECT n FROM numbers ORDER BY n")).fetchall()
        return [row[0] for row in rows]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def numbers(request, tmp_path) -> AsyncIterator[SqliteNumbers | PostgresNumbers]:
    if request.param == "sqlite":
        yield SqliteNumbers(tmp_path / "w.sqlite3")
        return
    async with fresh_schema() as url:
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url.secret(), min_size=1, max_size=2, kwargs={"autocommit": True}, open=False
        )
        await pool.open(wait=True)
        try:
            async with pool.connection() as db:
                await db.execute("CREATE TABLE numbers (n INTEGER PRIMARY KEY)")
            yield PostgresNumbers(pool)
        finally:
            await pool.close()


async def test_a_failing_job_in_a_batch_does_not_lose_the_others(numbers):
    commits: list[int] = []  # how many rows each batch held as it committed
    writer = await numbers.writer(before_commit=count_into(commits))
    try:
        jobs = [insert(n) for n in range(1, 51)]
        jobs[24] = insert_then_fail(25)
        outcomes = await asyncio.gather(
            *(writer.submit(job) for job in jobs), return_exceptions=True
        )
    finally:
        await writer.stop()

    assert commits == [49]  # all fifty in one batch: one COMMIT
    assert isinstance(outcomes[24], ValueError)
    assert [o for o in outcomes if not isinstance(o, BaseException)] == [
        n for n in range(1, 51) if n != 25
    ]
    assert await numbers.stored() == [n for n in range(1, 51) if n != 25]  # its insert only


async def test_a_job_alone_in_its_batch_that_fails_leaves_nothing_and_the_next_works(numbers):
    """A lone job runs without a SAVEPOINT (its transaction isolates it): when it fails,
    its own insert is undone with the transaction, and the writer goes on."""
    writer = await numbers.writer()
    try:
        with pytest.raises(ValueError, match="job 7 fails"):
            await writer.submit(insert_then_fail(7))
        assert await writer.submit(insert(8)) == 8
    finally:
        await writer.stop()

    assert await numbers.stored() == [8]


async def test_a_job_that_breaks_a_constraint_fails_alone(numbers):
    writer = await numbers.writer()
    try:
        outcomes = await asyncio.gather(
            writer.submit(insert(1)),
            writer.submit(insert(1)),  # the same key again
            writer.submit(insert(2)),
            return_exceptions=True,
        )
    finally:
        await writer.stop()

    assert outcomes[0] == 1
    assert isinstance(outcomes[1], numbers.duplicate)
    assert outcomes[2] == 2
    assert await numbers.stored() == [1, 2]


async def test_no_caller_hears_back_before_its_batch_is_committed(tmp_path):
    path = tmp_path / "w.sqlite3"
    numbers_table(path)
    heard: list[int] = []
    seen_before_commit: list[list[int]] = []

    async def before_commit(tx) -> None:
        seen_before_commit.append(list(heard))  # nobody has been told yet

    writer = await sqlite_writer(path, before_commit=before_commit)

    async def submit(n: int) -> None:
        heard.append(await writer.submit(insert(n)))

    try:
        await asyncio.gather(*(submit(n) for n in range(1, 11)))
    finally:
        await writer.stop()

    assert seen_before_commit == [[]]
    assert sorted(heard) == list(range(1, 11))


async def test_a_batch_whose_commit_fails_fails_every_caller_and_stores_nothing(tmp_path):
    path = tmp_path / "w.sqlite3"
    numbers_table(path)

    async def refuse(tx) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    writer = await sqlite_writer(path, before_commit=refuse)
    try:
        outcomes = await asyncio.gather(
            *(writer.submit(insert(n)) for n in (1, 2)), return_exceptions=True
        )
    finally:
        await writer.stop()

    assert all(isinstance(o, WritesFailing) for o in outcomes)  # the disk: counted
    assert stored(path) == []


@pytest.mark.parametrize("jobs", [1, 600])
async def test_stopping_commits_every_queued_job(tmp_path, jobs):
    path = tmp_path / "w.sqlite3"
    numbers_table(path)
    writer = await sqlite_writer(path)
    pending = [asyncio.create_task(writer.submit(insert(n))) for n in range(1, jobs + 1)]
    await asyncio.sleep(0)  # every submit has queued its job
    await writer.stop()

    assert sorted(await asyncio.gather(*pending)) == list(range(1, jobs + 1))
    assert len(stored(path)) == jobs


async def test_the_gil_switch_interval_is_quick_only_while_batches_run(tmp_path):
    """Lowered for the writer's batches (so a busy loop lets the writer on), and Python's
    own again once no batch runs, also when two writers' batches overlap."""
    paths = [tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"]
    for path in paths:
        numbers_table(path)
    before = sys.getswitchinterval()
    seen: list[float] = []

    async def note(tx) -> None:
        seen.append(sys.getswitchinterval())

    writers = [await sqlite_writer(path, before_commit=note) for path in paths]
    try:
        await asyncio.gather(
            *(writer.submit(insert(n)) for n in range(1, 21) for writer in writers)
        )
    finally:
        for writer in writers:
            await writer.stop()

    assert seen
    assert all(interval == pytest.approx(BATCH_SWITCH_INTERVAL) for interval in seen)
    assert sys.getswitchinterval() == before
    assert stored(paths[0]) == stored(paths[1]) == list(range(1, 21))
