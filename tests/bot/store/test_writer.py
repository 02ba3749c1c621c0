"""The writer's batches: waiting jobs share one transaction and one COMMIT, a failing job
fails alone, and no caller hears back before that COMMIT."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store.errors import WritesFailing
from bot.store.writer import BATCH_SWITCH_INTERVAL, sqlite_writer


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


async def test_a_failing_job_in_a_batch_does_not_lose_the_others(tmp_path):
    path = tmp_path / "w.sqlite3"
    numbers_table(path)
    commits: list[int] = []  # how many rows each batch held as it committed
    writer = await sqlite_writer(
        path,
        before_commit=count_into(commits),
    )
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
    assert stored(path) == [n for n in range(1, 51) if n != 25]  # its own insert undone only


async def test_a_job_alone_in_its_batch_that_fails_leaves_nothing_and_the_next_works(tmp_path):
    """A lone job runs without a SAVEPOINT (its transaction isolates it): when it fails,
    its own insert is undone with the transaction, and the writer goes on."""
    path = tmp_path / "w.sqlite3"
    numbers_table(path)
    writer = await sqlite_writer(path)
    try:
        with pytest.raises(ValueError, match="job 7 fails"):
            await writer.submit(insert_then_fail(7))
        assert await writer.submit(insert(8)) == 8
    finally:
        await writer.stop()

    assert stored(path) == [8]


async def test_a_job_that_breaks_a_constraint_fails_alone(tmp_path):
    path = tmp_path / "w.sqlite3"
    numbers_table(path)
    writer = await sqlite_writer(path)
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
    assert isinstance(outcomes[1], sqlite3.IntegrityError)
    assert outcomes[2] == 2
    assert stored(path) == [1, 2]


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
