"""The quiz tables' records, and reading them from rows (used by bot.store.quizzes)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from sqlite3 import Row
from typing import Any

import aiosqlite

from bot.store.rows import from_db
from exercises.model import Difficulty


class DeliveryStatus(StrEnum):
    CLAIMED = "claimed"  # being posted (or its poster crashed)
    POSTED = "posted"
    SKIPPED = "skipped"  # missed while the bot was down, outside the grace window
    FAILED = "failed"  # the channel is gone or the bot may not post there
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Schedule:
    schedule_id: int
    guild_id: int
    channel_id: int
    local_time: time
    time_zone: str
    pack: str | None
    difficulty: Difficulty | None
    question_count: int
    created_by: int
    created_at: datetime
    active_since: datetime
    paused_at: datetime | None
    pause_reason: str | None
    last_error: str | None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True, slots=True)
class Question:
    """One exercise of a delivery, as it is recorded when the delivery is claimed."""

    exercise_id: str
    content_hash: str
    difficulty: Difficulty
    attempt_limit: int


@dataclass(frozen=True, slots=True)
class DeliveryPost:
    position: int
    post_id: int
    exercise_id: str
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Delivery:
    delivery_id: int
    schedule_id: int
    local_date: date
    due_at: datetime
    status: DeliveryStatus
    claimed_by: str
    lease_until: datetime
    note: str | None
    failures: int
    posts: tuple[DeliveryPost, ...]


def schedule_from_row(row: Row) -> Schedule:
    def moment(key: str) -> datetime | None:
        return from_db(row[key]) if row[key] else None

    created_at = from_db(row["created_at"])
    return Schedule(
        schedule_id=row["schedule_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        local_time=time.fromisoformat(row["local_time"]),
        time_zone=row["time_zone"],
        pack=row["pack"],
        difficulty=Difficulty(row["difficulty"]) if row["difficulty"] else None,
        question_count=row["question_count"],
        created_by=row["created_by"],
        created_at=created_at,
        active_since=moment("active_since") or created_at,
        paused_at=moment("paused_at"),
        pause_reason=row["pause_reason"],
        last_error=row["last_error"],
    )


_SCHEDULE = "SELECT * FROM quiz_schedules WHERE schedule_id = ? AND removed_at IS NULL"
_DELIVERY = "SELECT * FROM quiz_deliveries WHERE delivery_id = ?"
_DELIVERY_POSTS = (
    "SELECT d.position, p.post_id, p.exercise_id, p.message_id FROM quiz_delivery_posts d "
    "JOIN posts p USING (post_id) WHERE d.delivery_id = ? ORDER BY d.position"
)


async def live_schedule(db: aiosqlite.Connection, schedule_id: int) -> Schedule | None:
    row = await one(db, _SCHEDULE, (schedule_id,))
    return schedule_from_row(row) if row is not None else None


def live_schedule_now(db: sqlite3.Connection, schedule_id: int) -> Schedule | None:
    """As read inside a write job."""
    row = db.execute(_SCHEDULE, (schedule_id,)).fetchone()
    return schedule_from_row(row) if row is not None else None


async def delivery_by_id(db: aiosqlite.Connection, delivery_id: int) -> Delivery | None:
    row = await one(db, _DELIVERY, (delivery_id,))
    if row is None:
        return None
    return _delivery_from(row, await all_rows(db, _DELIVERY_POSTS, (delivery_id,)))


def delivery_by_id_now(db: sqlite3.Connection, delivery_id: int) -> Delivery | None:
    """As read inside a write job."""
    row = db.execute(_DELIVERY, (delivery_id,)).fetchone()
    if row is None:
        return None
    return _delivery_from(row, db.execute(_DELIVERY_POSTS, (delivery_id,)).fetchall())


def _delivery_from(row: Row, posts: list[Row]) -> Delivery:
    return Delivery(
        delivery_id=row["delivery_id"],
        schedule_id=row["schedule_id"],
        local_date=date.fromisoformat(row["local_date"]),
        due_at=from_db(row["due_at"]),
        status=DeliveryStatus(row["status"]),
        claimed_by=row["claimed_by"],
        lease_until=from_db(row["lease_until"]) if row["lease_until"] else from_db(row["due_at"]),
        note=row["note"],
        failures=row["failures"],
        posts=tuple(
            DeliveryPost(p["position"], p["post_id"], p["exercise_id"], p["message_id"])
            for p in posts
        ),
    )


async def one(db: aiosqlite.Connection, sql: str, values: Any) -> Row | None:
    async with db.execute(sql, values) as cursor:
        row: Row | None = await cursor.fetchone()
    return row


async def all_rows(db: aiosqlite.Connection, sql: str, values: Any) -> list[Row]:
    async with db.execute(sql, values) as cursor:
        rows: list[Row] = list(await cursor.fetchall())
    return rows
