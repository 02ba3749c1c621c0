"""What the daily quizzes remember: schedules, and one claimed delivery per schedule and day.

The claim is a row under UNIQUE (schedule_id, local_date), written in one transaction with
the delivery's posts (the questions are fixed when it is claimed). Any number of bot
processes may share the file: only one INSERT wins, and a claim whose holder stopped renewing
its lease may be taken over. No Discord here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time
from typing import Any

import aiosqlite

from bot.progress import PostContext
from bot.store.dialects import BothDialects
from bot.store.quiz_results import QuizResultReads
from bot.store.quiz_rows import (
    Delivery,
    DeliveryPost,
    DeliveryStatus,
    Question,
    Schedule,
    all_rows,
    delivery_by_id,
    delivery_by_id_now,
    live_schedule,
    live_schedule_now,
    one,
    schedule_from_row,
)
from bot.store.rows import from_db, to_db
from bot.store.writer import WriteJob
from exercises.model import Difficulty

Write = Callable[[WriteJob[Any]], Awaitable[Any]]
"""The store's `_write`: runs a job (a function of the writer's sqlite3 connection) in the
next batch of the one writer, in a SAVEPOINT of its own."""


class SqliteQuizzes(QuizResultReads):
    """The quiz tables of a SqliteStore: `store.quizzes`."""

    def __init__(
        self,
        write: Write,
        reads: aiosqlite.Connection,
        lookups: sqlite3.Connection | None = None,
    ) -> None:
        """`lookups`: as for SqliteServers, for the lookup every click on a quiz post makes."""
        self._write = write
        self._reads = reads
        self._lookups = lookups

    # Schedules

    async def add_schedule(
        self,
        *,
        guild_id: int,
        channel_id: int,
        local_time: time,
        time_zone: str,
        pack: str | None,
        difficulty: Difficulty | None,
        question_count: int,
        created_by: int,
        now: datetime,
    ) -> Schedule:
        at = to_db(now, "now")
        values = (
            guild_id,
            channel_id,
            local_time.strftime("%H:%M"),
            time_zone,
            pack,
            difficulty.value if difficulty else None,
            question_count,
            created_by,
            at,
            at,
        )

        def insert(db: sqlite3.Connection) -> Schedule:
            cursor = db.execute(
                "INSERT INTO quiz_schedules (guild_id, channel_id, local_time, time_zone, pack, "
                "difficulty, question_count, created_by, created_at, active_since) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            schedule_id = cursor.lastrowid
            assert schedule_id is not None
            found = live_schedule_now(db, schedule_id)
            assert found is not None
            return found

        result: Schedule = await self._write(insert)
        return result

    async def schedule(self, schedule_id: int) -> Schedule | None:
        return await live_schedule(self._reads, schedule_id)

    async def schedules(self, guild_id: int | None = None) -> list[Schedule]:
        """Schedules not removed, of one server or of all, oldest first."""
        sql = "SELECT * FROM quiz_schedules WHERE removed_at IS NULL"
        values: tuple[int, ...] = ()
        if guild_id is not None:
            sql += " AND guild_id = ?"
            values = (guild_id,)
        rows = await all_rows(self._reads, sql + " ORDER BY schedule_id", values)
        return [schedule_from_row(row) for row in rows]

    async def change_schedule(self, schedule_id: int, **changes: Any) -> Schedule | None:
        """Set columns of a live schedule (local_time, time_zone, pack, ...); None if gone."""
        allowed = {"channel_id", "local_time", "time_zone", "pack", "difficulty", "question_count"}
        if not changes or set(changes) - allowed:
            raise ValueError(f"change one or more of {sorted(allowed)}, not {sorted(changes)}")
        values = {
            key: value.strftime("%H:%M") if isinstance(value, time) else value
            for key, value in changes.items()
        }
        sets = ", ".join(f"{key} = :{key}" for key in values)
        return await self._update(schedule_id, sets, values)

    async def pause(
        self, schedule_id: int, *, reason: str, now: datetime, error: bool = False
    ) -> Schedule | None:
        sets = "paused_at = :at, pause_reason = :reason"
        if error:
            sets += ", last_error = :reason, last_error_at = :at"
        return await self._update(schedule_id, sets, {"at": to_db(now, "now"), "reason": reason})

    async def resume(self, schedule_id: int, *, now: datetime) -> Schedule | None:
        """Active again from `now`: days due while it was paused are not owed."""
        sets = "paused_at = NULL, pause_reason = NULL, active_since = :at"
        return await self._update(schedule_id, sets, {"at": to_db(now, "now")})

    async def remove(self, schedule_id: int, *, now: datetime) -> Schedule | None:
        return await self._update(schedule_id, "removed_at = :at", {"at": to_db(now, "now")})

    async def _update(self, schedule_id: int, sets: str, values: dict[str, Any]) -> Schedule | None:
        sql = f"UPDATE quiz_schedules SET {sets} WHERE schedule_id = :id AND removed_at IS NULL"

        def update(db: sqlite3.Connection) -> Schedule | None:
            db.execute(sql, {**values, "id": schedule_id})
            return live_schedule_now(db, schedule_id)

        result: Schedule | None = await self._write(update)
        return result

    # Choosing questions

    async def last_posted_in_channel(self, channel_id: int) -> dict[str, datetime]:
        """When each exercise was last posted in the channel (any context)."""
        sql = (
            "SELECT exercise_id, max(posted_at) AS last FROM posts WHERE channel_id = ? "
            "GROUP BY exercise_id"
        )
        rows = await all_rows(self._reads, sql, (channel_id,))
        return {row["exercise_id"]: from_db(row["last"]) for row in rows}

    # Deliveries

    async def claim(
        self,
        schedule: Schedule,
        *,
        local_date: date,
        due_at: datetime,
        questions: Sequence[Question],
        process: str,
        now: datetime,
        lease_until: datetime,
    ) -> Delivery | None:
        """Claim the day's delivery with its posts, or None if it was already claimed."""
        at = to_db(now, "now")
        claim = (
            schedule.schedule_id,
            local_date.isoformat(),
            to_db(due_at, "due_at"),
            at,
            process,
            to_db(lease_until, "lease_until"),
        )

        def insert(db: sqlite3.Connection) -> Delivery | None:
            cursor = db.execute(
                "INSERT INTO quiz_deliveries (schedule_id, local_date, due_at, claimed_at, "
                "claimed_by, lease_until) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (schedule_id, local_date) DO NOTHING",
                claim,
            )
            delivery_id = cursor.lastrowid if cursor.rowcount == 1 else None
            if delivery_id is None:
                return None
            for position, question in enumerate(questions):
                cursor = db.execute(
                    "INSERT INTO posts (guild_id, channel_id, exercise_id, content_hash, "
                    "difficulty, context, attempt_limit, posted_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        schedule.guild_id,
                        schedule.channel_id,
                        question.exercise_id,
                        question.content_hash,
                        question.difficulty.value,
                        PostContext.DAILY_QUIZ.value,
                        question.attempt_limit,
                        at,
                    ),
                )
                post_id = cursor.lastrowid
                db.execute(
                    "INSERT INTO quiz_delivery_posts (delivery_id, position, post_id) "
                    "VALUES (?, ?, ?)",
                    (delivery_id, position, post_id),
                )
            return delivery_by_id_now(db, delivery_id)

        result: Delivery | None = await self._write(insert)
        return result

    async def has_delivery(self, schedule_id: int, local_date: date) -> bool:
        """Whether the day was claimed (or skipped) already: a cheap read before a claim."""
        sql = "SELECT 1 FROM quiz_deliveries WHERE schedule_id = ? AND local_date = ?"
        return await one(self._reads, sql, (schedule_id, local_date.isoformat())) is not None

    async def skip(
        self, schedule: Schedule, *, local_date: date, due_at: datetime, note: str, now: datetime
    ) -> bool:
        """Record a day that will not be posted; False if that day already has a delivery."""
        at = to_db(now, "now")
        values = (schedule.schedule_id, local_date.isoformat(), to_db(due_at, "due_at"), at, note)

        def insert(db: sqlite3.Connection) -> bool:
            return db.execute(_SKIP_DAY, values).rowcount == 1

        result: bool = await self._write(insert)
        return result

    async def stalled(self, now: datetime) -> list[Delivery]:
        """Claimed deliveries whose holder stopped renewing its lease (it crashed, most likely)."""
        sql = (
            "SELECT delivery_id FROM quiz_deliveries WHERE status = 'claimed' AND lease_until <= ?"
        )
        rows = await all_rows(self._reads, sql, (to_db(now, "now"),))
        found = [await delivery_by_id(self._reads, row[0]) for row in rows]
        return [delivery for delivery in found if delivery is not None]

    async def take_over(
        self, delivery_id: int, *, process: str, now: datetime, lease_until: datetime
    ) -> Delivery | None:
        """Hold a stalled claim: None if another process took it over or it was finished."""
        values = (process, to_db(lease_until, "lease_until"), delivery_id, to_db(now, "now"))

        def update(db: sqlite3.Connection) -> Delivery | None:
            cursor = db.execute(
                "UPDATE quiz_deliveries SET claimed_by = ?, lease_until = ? "
                "WHERE delivery_id = ? AND status = 'claimed' AND lease_until <= ?",
                values,
            )
            taken = cursor.rowcount == 1
            return delivery_by_id_now(db, delivery_id) if taken else None

        result: Delivery | None = await self._write(update)
        return result

    async def renew(self, delivery_id: int, *, process: str, lease_until: datetime) -> bool:
        """Extend the lease before each post; False if this process no longer holds the claim."""
        values = (to_db(lease_until, "lease_until"), delivery_id, process)

        def update(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE quiz_deliveries SET lease_until = ? "
                "WHERE delivery_id = ? AND status = 'claimed' AND claimed_by = ?",
                values,
            )
            return cursor.rowcount == 1

        result: bool = await self._write(update)
        return result

    async def back_off(self, delivery_id: int, *, process: str, retry_at: datetime) -> int:
        """A send failed for a reason that may pass: count it and hold the claim until
        `retry_at`, when any process (this one included) may take it over and try again."""
        values = (to_db(retry_at, "retry_at"), delivery_id, process)

        def update(db: sqlite3.Connection) -> int:
            db.execute(
                "UPDATE quiz_deliveries SET failures = failures + 1, lease_until = ? "
                "WHERE delivery_id = ? AND status = 'claimed' AND claimed_by = ?",
                values,
            )
            row = db.execute(
                "SELECT failures FROM quiz_deliveries WHERE delivery_id = ?", (delivery_id,)
            ).fetchone()
            return int(row[0]) if row is not None else 0

        result: int = await self._write(update)
        return result

    async def finish(
        self, delivery_id: int, status: DeliveryStatus, *, now: datetime, note: str | None = None
    ) -> None:
        at = to_db(now, "now")
        posted_at = at if status is DeliveryStatus.POSTED else None

        def update(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE quiz_deliveries SET status = ?, posted_at = coalesce(?, posted_at), "
                "note = ? WHERE delivery_id = ?",
                (status.value, posted_at, note, delivery_id),
            )

        await self._write(update)

    async def set_post_message(self, post_id: int, message_id: int) -> None:
        def update(db: sqlite3.Connection) -> None:
            db.execute("UPDATE posts SET message_id = ? WHERE post_id = ?", (message_id, post_id))

        await self._write(update)

    # Closing

    async def posted(self) -> list[tuple[Delivery, Schedule]]:
        """Deliveries posted and not yet closed, with their schedules (removed ones too)."""
        sql = "SELECT delivery_id FROM quiz_deliveries WHERE status = 'posted' ORDER BY due_at"
        found = []
        for row in await all_rows(self._reads, sql, ()):
            delivery = await delivery_by_id(self._reads, row[0])
            if delivery is None:
                continue
            schedule_row = await one(
                self._reads,
                "SELECT * FROM quiz_schedules WHERE schedule_id = ?",
                (delivery.schedule_id,),
            )
            if schedule_row is not None:
                found.append((delivery, schedule_from_row(schedule_row)))
        return found

    async def close(self, delivery_id: int, *, now: datetime) -> bool:
        """Claim the closing: True for the one process that closes the delivery."""
        values = (to_db(now, "now"), delivery_id)

        def update(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE quiz_deliveries SET status = 'closed', closed_at = ? "
                "WHERE delivery_id = ? AND status = 'posted'",
                values,
            )
            return cursor.rowcount == 1

        result: bool = await self._write(update)
        return result

    async def is_closed(self, post_id: int) -> bool:
        """Whether the post belongs to a daily quiz that has closed (answers no longer count)."""
        sql = (
            "SELECT 1 FROM quiz_delivery_posts AS d JOIN quiz_deliveries AS q USING (delivery_id) "
            "WHERE d.post_id = ? AND q.status = 'closed'"
        )
        if self._lookups is not None:
            return self._lookups.execute(sql, (post_id,)).fetchone() is not None
        return await one(self._reads, sql, (post_id,)) is not None

    async def set_summary_message(self, delivery_id: int, message_id: int) -> None:
        def update(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE quiz_deliveries SET summary_message_id = ? WHERE delivery_id = ?",
                (message_id, delivery_id),
            )

        await self._write(update)

    async def delivery(self, delivery_id: int) -> Delivery | None:
        return await delivery_by_id(self._reads, delivery_id)

    async def deliveries(self, schedule_id: int) -> list[Delivery]:
        sql = "SELECT delivery_id FROM quiz_deliveries WHERE schedule_id = ? ORDER BY local_date"
        rows = await all_rows(self._reads, sql, (schedule_id,))
        found = [await delivery_by_id(self._reads, row[0]) for row in rows]
        return [delivery for delivery in found if delivery is not None]


# A skipped day has no lease: '' in SQLite's text column, NULL in PostgreSQL's timestamptz.
_SKIP_DAY = BothDialects(
    "INSERT INTO quiz_deliveries (schedule_id, local_date, due_at, status, claimed_at, "
    "claimed_by, lease_until, note) VALUES (?, ?, ?, 'skipped', ?, '', '', ?) "
    "ON CONFLICT (schedule_id, local_date) DO NOTHING",
    postgresql="INSERT INTO quiz_deliveries (schedule_id, local_date, due_at, status, "
    "claimed_at, claimed_by, lease_until, note) VALUES (?, ?, ?, 'skipped', ?, '', NULL, ?) "
    "ON CONFLICT (schedule_id, local_date) DO NOTHING",
)


__all__ = [
    "Delivery",
    "DeliveryPost",
    "DeliveryStatus",
    "Question",
    "Schedule",
    "SqliteQuizzes",
]
