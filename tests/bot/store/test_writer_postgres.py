"""The writer's batches on PostgreSQL, as test_writer.py checks them on SQLite: waiting jobs
share one transaction and one COMMIT, a failing job fails alone (the batch is run again with
each job in its SAVEPOINT), and a lone job that fails leaves nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from bot.store.writer import BeforeCommit, Writer, postgres_writer
from tests.bot.store.test_writer import count_into, insert, insert_then_fail
from tests.postgres import fresh_schema

pytestmark = pytest.mark.postgres


class Numbers:
    """A table of numbers in a schema of its own, and writers on a pool of connections to it."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self.pool = pool

    def writer(self, before_commit: BeforeCommit | None = None) -> Writer:
        return postgres_writer(self.pool, before_commit=before_commit)

    async def stored(self) -> list[int]:
        async with self.pool.connection() as db:
            rows = await (await db.execute("SELECT n FROM numbers ORDER BY n")).fetchall()
        return [row[0] for row in rows]


@pytest.fixture
async def numbers() -> AsyncIterator[Numbers]:
    async with fresh_schema() as url:
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url.secret(), min_size=1, max_size=2, kwargs={"autocommit": True}, open=False
        )
        await pool.open(wait=True)
        try:
            async with pool.connection() as db:
                await db.execute("CREATE TABLE numbers (n INTEGER PRIMARY KEY)")
            yield Numbers(pool)
        finally:
            await pool.close()


async def test_a_failing_job_in_a_batch_does_not_lose_the_others(numbers):
    commits: list[int] = []  # how many rows each batch held as it committed
    writer = numbers.writer(before_commit=count_into(commits))
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
    assert await numbers.stored() == [n for n in range(1, 51) if n != 25]


async def test_a_job_that_breaks_a_constraint_fails_alone(numbers):
    writer = numbers.writer()
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
    assert isinstance(outcomes[1], psycopg.errors.UniqueViolation)
    assert outcomes[2] == 2
    assert await numbers.stored() == [1, 2]


async def test_a_job_alone_in_its_batch_that_fails_leaves_nothing_and_the_next_works(numbers):
    writer = numbers.writer()
    try:
        with pytest.raises(ValueError, match="job 7 fails"):
            await writer.submit(insert_then_fail(7))
        assert await writer.submit(insert(8)) == 8
    finally:
        await writer.stop()

    assert await numbers.stored() == [8]
