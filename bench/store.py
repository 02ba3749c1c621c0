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
from bot.store import TutorStore
from bot.store.attempts import INSERT_IF_ALLOWED, RECORD_CHECKS
from bot.store.run import prepared
from bot.store.store import INSERT_POST
from bot.store.writer import SQLITE_BUSY_TIMEOUT_MS
from exercises import Difficulty
from exercises.progress import PostContext
from exercises.shown_order import BY_POST

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
    async with await TutorStore.open(path) as store:
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


def _plain_on_migrated(plan: StorePlan, path: Path, synchronous: str = "FULL") -> float:
    """What the writer does for one attempt, statement for statement (as SQLAlchemy compiles
    them for SQLite), without any hop, on a database our migrations made, with the writer's
    pragmas (synchronous as given)."""
    insert_post, checks, insert = (
        prepared(statement, "sqlite")
        for statement in (INSERT_POST, RECORD_CHECKS, INSERT_IF_ALLOWED)
    )
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        for pragma in (
            f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
            "foreign_keys = ON",
            "journal_mode = WAL",
            f"synchronous = {synchronous}",
        ):
            db.execute(f"PRAGMA {pragma}")
        posts = []
        for n in range(plan.posts):
            row = {
                "guild_id": 1, "channel_id": 2, "message_id": None, "exercise_id": f"bench/e{n}",
                "content_hash": "h", "difficulty": "medium", "context": "practice",
                "attempt_limit": 3, "posted_at": AT, "option_order": BY_POST, "earns_points": 1,
            }  # fmt: skip
            posts.append(db.execute(insert_post.sql, insert_post.params(row)).fetchone()[0])
        started = time.perf_counter()
        for n in range(plan.operations):
            post_number, member, interaction = _op(plan, n)
            post = posts[post_number]
            db.execute("BEGIN IMMEDIATE")
            values = {"post": post, "member": member, "interaction": interaction, "answer": "A"}
            db.execute(checks.sql, checks.params(values)).fetchone()
            attempt = {
                "post": post,
                "member": member,
                "interaction": interaction,
                "number": 1,
                "answer": "A",
                "correct": int(n % 2 == 0),
                "points": 0,
                "at": AT + timedelta(milliseconds=n),
            }
            db.execute(insert.sql, insert.params(attempt)).fetchall()
            db.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        db.close()


async def _migrate(path: Path) -> None:
    store = await TutorStore.open(path)
    await store.close()


def _rows_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT count(*) FROM attempts").fetchone()
    return int(count)


async def run(plan: StorePlan = StorePlan()) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        ours_path, plain_path = Path(folder, "ours.sqlite3"), Path(folder, "plain.sqlite3")
        normal_path = Path(folder, "normal.sqlite3")
        await _migrate(plain_path)
        await _migrate(normal_path)
        ours = await _ours(plan, ours_path)
        plain = await asyncio.to_thread(_plain_on_migrated, plan, plain_path)
        normal = await asyncio.to_thread(_plain_on_migrated, plan, normal_path, "NORMAL")
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
        ),
        Row(
            "store: the cost of synchronous=FULL (plain sqlite3, FULL vs NORMAL)",
            plan.operations / plain,
            plan.operations / normal,
            "ops/s",
            "-",
        ),
    ]


SMOKE = StorePlan(operations=200, tasks=20, posts=10)
