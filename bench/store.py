"""Store: 10,000 "record an attempt" operations from 200 concurrent tasks through our store,
against plain sqlite3 running the same statements with the same pragmas in one thread, one
transaction per operation. Every operation inserts a row: a member's first answer on a post.

Fails (BenchFailed) unless both databases end with exactly one row per operation.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.table import BenchFailed, Row
from bot.progress import PostContext
from bot.store import SqliteStore, queries
from bot.store.rows import to_db
from bot.store.schema import BUSY_TIMEOUT_MS
from exercises import Difficulty

AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a fixed moment: the data, not the clock


@dataclass(frozen=True)
class StorePlan:
    operations: int = 10_000
    tasks: int = 200
    posts: int = 50


def _op(plan: StorePlan, n: int) -> tuple[int, int, int]:
    """Operation n: (post number, member id, interaction id), each pair answered once."""
    return n % plan.posts, 1_000 + n // plan.posts, 10_000_000 + n


async def _ours(plan: StorePlan, path: Path) -> float:
    async with await SqliteStore.open(path) as store:
        posts = [
            (
                await store.create_post(
                    guild_id=1,
                    channel_id=2,
                    exercise_id=f"bench/e{n}",
                    content_hash="h",
                    difficulty=Difficulty.MEDIUM,
                    context=PostContext.PRACTICE,
                    attempt_limit=3,
                    posted_at=AT,
                )
            ).post_id
            for n in range(plan.posts)
        ]
        next_op = iter(range(plan.operations))

        async def task() -> None:
            for n in next_op:
                post, member, interaction = _op(plan, n)
                await store.record_attempt(
                    post_id=posts[post],
                    member_id=member,
                    interaction_id=interaction,
                    answer="A",
                    correct=n % 2 == 0,
                    answered_at=AT + timedelta(milliseconds=n),
                )

        started = time.perf_counter()
        await asyncio.gather(*(task() for _ in range(plan.tasks)))
        return time.perf_counter() - started


def _plain_on_migrated(plan: StorePlan, path: Path) -> float:
    """What the writer does for one attempt, statement for statement, without any hop, on a
    database our migrations made, with the writer's pragmas."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        for pragma in (
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "foreign_keys = ON",
            "journal_mode = WAL",
            "synchronous = NORMAL",
        ):
            db.execute(f"PRAGMA {pragma}")
        posts = []
        for n in range(plan.posts):
            posted = to_db(AT, "posted_at")
            row = (1, 2, None, f"bench/e{n}", "h", "medium", "practice", 3, posted)
            posts.append(db.execute(queries.INSERT_POST, row).lastrowid)
        started = time.perf_counter()
        for n in range(plan.operations):
            post_number, member, interaction = _op(plan, n)
            post = posts[post_number]
            db.execute("BEGIN IMMEDIATE")
            checks = {"post": post, "member": member, "interaction": interaction, "answer": "A"}
            db.execute(queries.RECORD_CHECKS, checks).fetchone()
            attempt = {
                "post": post,
                "member": member,
                "interaction": interaction,
                "number": 1,
                "answer": "A",
                "correct": int(n % 2 == 0),
                "points": 0,
                "at": to_db(AT + timedelta(milliseconds=n), "answered_at"),
            }
            db.execute(queries.INSERT_ATTEMPT_IF_ALLOWED, attempt)
            db.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        db.close()


async def _migrate(path: Path) -> None:
    store = await SqliteStore.open(path)
    await store.close()


def _rows_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT count(*) FROM attempts").fetchone()
    return int(count)


async def run(plan: StorePlan = StorePlan()) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        ours_path, plain_path = Path(folder, "ours.sqlite3"), Path(folder, "plain.sqlite3")
        await _migrate(plain_path)
        ours = await _ours(plan, ours_path)
        plain = await asyncio.to_thread(_plain_on_migrated, plan, plain_path)
        for name, path in (("our store", ours_path), ("plain sqlite3", plain_path)):
            if (rows := _rows_in(path)) != plan.operations:
                raise BenchFailed(f"{name}: {plan.operations} operations left {rows} attempts")
    return [
        Row(
            f"store: record an attempt, {plan.operations:,} ops from {plan.tasks} tasks",
            plan.operations / ours,
            plan.operations / plain,
            "ops/s",
            ">= 0.5x",
        )
    ]


SMOKE = StorePlan(operations=200, tasks=20, posts=10)
