"""What the daily quizzes remember: schedules, one claimed delivery per schedule and day, and
a closed delivery's results: `store.quizzes`, with the statements it runs.

The claim is a row under UNIQUE (schedule_id, local_date), written in one transaction with
the delivery's posts (the questions are fixed when it is claimed). Any number of bot
processes may share the database: only one INSERT wins, and a claim whose holder stopped
renewing its lease may be taken over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, time
from functools import cache
from typing import Any

import sqlalchemy as sa

from bot.store.quiz_results import DELIVERY, QuizSummaryReads
from bot.store.records import (
    Delivery,
    DeliveryStatus,
    Question,
    Schedule,
    delivery_from_rows,
    schedule_from_row,
)
from bot.store.run import Row, Tx, insert_or_ignore, insert_values
from bot.store.tables import POST, Id, Time, posts, status
from bot.store.tables import quiz_deliveries as deliveries
from bot.store.tables import quiz_delivery_posts as delivery_posts
from bot.store.tables import quiz_schedules as schedules
from exercises.model import Difficulty
from exercises.progress import PostContext
from exercises.shown_order import BY_POST

SCHEDULE = sa.bindparam("schedule", type_=Id)
NOW = sa.bindparam("now", type_=Time())

ADD_SCHEDULE = insert_values(
    schedules, "guild_id", "channel_id", "local_time", "time_zone", "pack", "difficulty",
    "question_count", "created_by", "created_at", "active_since", "most_missed",
).returning(schedules.c.schedule_id)  # fmt: skip
_live = schedules.c.removed_at.is_(None)
LIVE_SCHEDULE = sa.select(schedules).where(schedules.c.schedule_id == SCHEDULE, _live)
ANY_SCHEDULE = sa.select(schedules).where(schedules.c.schedule_id == SCHEDULE)
ALL_SCHEDULES = sa.select(schedules).where(_live).order_by(schedules.c.schedule_id)
LAST_POSTED = (
    sa.select(posts.c.exercise_id, sa.func.max(posts.c.posted_at).label("last"))
    .where(posts.c.channel_id == sa.bindparam("channel", type_=Id))
    .group_by(posts.c.exercise_id)
)
LAST_QUIZZED = LAST_POSTED.where(posts.c.context == PostContext.DAILY_QUIZ.value)
CLAIM = insert_or_ignore(
    deliveries, "schedule_id", "local_date", "due_at", "claimed_at", "claimed_by", "lease_until",
    "status", "note", returning=deliveries.c.delivery_id,
)  # fmt: skip
ADD_POST = insert_values(
    posts, "guild_id", "channel_id", "exercise_id", "content_hash", "difficulty", "context",
    "attempt_limit", "posted_at", "option_order",
).returning(posts.c.post_id)  # fmt: skip
ADD_DELIVERY_POST = insert_values(delivery_posts, "delivery_id", "position", "post_id")
HAS_DELIVERY = sa.select(deliveries.c.delivery_id).where(
    deliveries.c.schedule_id == SCHEDULE, deliveries.c.local_date == sa.bindparam("date")
)
GET_DELIVERY = sa.select(deliveries).where(deliveries.c.delivery_id == DELIVERY)
DELIVERY_POSTS = (
    sa.select(
        delivery_posts.c.position,
        posts.c.post_id,
        posts.c.exercise_id,
        posts.c.message_id,
        posts.c.option_order,
    )
    .select_from(delivery_posts.join(posts))
    .where(delivery_posts.c.delivery_id == DELIVERY)
    .order_by(delivery_posts.c.position)
)
# Written into the SQL, not bound, so that SQLite uses the partial index on claimed rows.
_claimed = deliveries.c.status == status("claimed")
STALLED = sa.select(deliveries.c.delivery_id).where(_claimed, deliveries.c.lease_until <= NOW)
_held = sa.and_(
    deliveries.c.delivery_id == DELIVERY,
    _claimed,
    deliveries.c.claimed_by == sa.bindparam("process"),
)
_LEASE = sa.bindparam("lease", type_=Time())
TAKE_OVER = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY, _claimed, deliveries.c.lease_until <= NOW)
    .values(claimed_by=sa.bindparam("process"), lease_until=_LEASE)
)
RENEW = sa.update(deliveries).where(_held).values(lease_until=_LEASE)
BACK_OFF = (
    sa.update(deliveries)
    .where(_held)
    .values(failures=deliveries.c.failures + 1, lease_until=_LEASE)
    .returning(deliveries.c.failures)
)
FINISH = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY)
    .values(
        status=sa.bindparam("status"),
        posted_at=sa.func.coalesce(sa.bindparam("posted_at", type_=Time()), deliveries.c.posted_at),
        note=sa.bindparam("note"),
    )
)
SET_MESSAGE = (
    sa.update(posts).where(posts.c.post_id == POST).values(message_id=sa.bindparam("message"))
)
POSTED = (
    sa.select(deliveries.c.delivery_id)
    .where(deliveries.c.status == status("posted"))
    .order_by(deliveries.c.due_at)
)
CLOSE = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY, deliveries.c.status == status("posted"))
    .values(status="closed", closed_at=NOW)
)
SET_SUMMARY = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY)
    .values(summary_message_id=sa.bindparam("message"))
)
OF_SCHEDULE = (
    sa.select(deliveries.c.delivery_id)
    .where(deliveries.c.schedule_id == SCHEDULE)
    .order_by(deliveries.c.local_date)
)


@cache
def update_schedule(columns: tuple[str, ...]) -> sa.Update:
    """UPDATE a live schedule's `columns` (one statement per set of columns, compiled once)."""
    return (
        sa.update(schedules)
        .where(schedules.c.schedule_id == SCHEDULE, _live)
        .values({column: sa.bindparam(column) for column in columns})
    )


class Quizzes(QuizSummaryReads):
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
        most_missed: int = 0,
    ) -> Schedule:
        values = {
            "guild_id": guild_id,
            "channel_id": channel_id,
            "local_time": local_time.strftime("%H:%M"),
            "time_zone": time_zone,
            "pack": pack,
            "difficulty": difficulty.value if difficulty else None,
            "question_count": question_count,
            "created_by": created_by,
            "created_at": now,
            "active_since": now,
            "most_missed": most_missed,
        }

        async def insert(tx: Tx) -> Schedule:
            schedule_id = (await tx.execute(ADD_SCHEDULE, values)).scalar()
            row = (await tx.execute(LIVE_SCHEDULE, {"schedule": schedule_id})).rows[0]
            return schedule_from_row(row)

        return await self._write(insert)

    async def schedule(self, schedule_id: int) -> Schedule | None:
        row = await self._row(LIVE_SCHEDULE, schedule=schedule_id)
        return schedule_from_row(row) if row is not None else None

    async def schedules(self, guild_id: int | None = None) -> list[Schedule]:
        """Schedules not removed, of one server or of all, oldest first."""
        found = [schedule_from_row(row) for row in await self._rows(ALL_SCHEDULES)]
        return [s for s in found if guild_id is None or s.guild_id == guild_id]

    async def change_schedule(self, schedule_id: int, **changes: Any) -> Schedule | None:
        """Set columns of a live schedule (local_time, time_zone, pack, ...); None if gone."""
        allowed = {
            *("channel_id", "local_time", "time_zone", "pack", "difficulty", "question_count"),
            "most_missed",
        }
        if not changes or set(changes) - allowed:
            raise ValueError(f"change one or more of {sorted(allowed)}, not {sorted(changes)}")
        values = {k: v.strftime("%H:%M") if isinstance(v, time) else v for k, v in changes.items()}
        return await self._update(schedule_id, values)

    async def pause(
        self, schedule_id: int, *, reason: str, now: datetime, error: bool = False
    ) -> Schedule | None:
        values: dict[str, Any] = {"paused_at": now, "pause_reason": reason}
        if error:
            values |= {"last_error": reason, "last_error_at": now}
        return await self._update(schedule_id, values)

    async def resume(self, schedule_id: int, *, now: datetime) -> Schedule | None:
        """Active again from `now`: days due while it was paused are not owed."""
        values = {"paused_at": None, "pause_reason": None, "active_since": now}
        return await self._update(schedule_id, values)

    async def remove(self, schedule_id: int, *, now: datetime) -> Schedule | None:
        return await self._update(schedule_id, {"removed_at": now})

    async def _update(self, schedule_id: int, values: dict[str, Any]) -> Schedule | None:
        statement = update_schedule(tuple(sorted(values)))

        async def update(tx: Tx) -> Schedule | None:
            await tx.execute(statement, {**values, "schedule": schedule_id})
            row = (await tx.execute(LIVE_SCHEDULE, {"schedule": schedule_id})).one()
            return schedule_from_row(row) if row is not None else None

        return await self._write(update)

    async def last_posted_in_channel(
        self, channel_id: int, *, quizzes_only: bool = False
    ) -> dict[str, datetime]:
        """When each exercise was last posted in the channel (any context, or daily quizzes)."""
        if quizzes_only:
            rows = await self._rows(LAST_QUIZZED, channel=channel_id)
        else:
            rows = await self._rows(LAST_POSTED, channel=channel_id)
        return {row["exercise_id"]: row["last"] for row in rows}

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
        claim = _day(schedule, local_date, due_at, now) | {"claimed_by": process, "note": None}
        claim |= {"lease_until": lease_until, "status": DeliveryStatus.CLAIMED.value}
        post = {"guild_id": schedule.guild_id, "channel_id": schedule.channel_id, "posted_at": now}
        post |= {"context": PostContext.DAILY_QUIZ.value, "option_order": BY_POST}

        async def insert(tx: Tx) -> Delivery | None:
            delivery_id = (await tx.execute(CLAIM, claim)).scalar()
            if delivery_id is None:
                return None
            for position, question in enumerate(questions):
                shown = {**post, **asdict(question), "difficulty": question.difficulty.value}
                post_id = (await tx.execute(ADD_POST, shown)).scalar()
                link = {"delivery_id": delivery_id, "position": position, "post_id": post_id}
                await tx.execute(ADD_DELIVERY_POST, link)
            return await _delivery(tx.execute, delivery_id)

        return await self._write(insert)

    async def has_delivery(self, schedule_id: int, local_date: date) -> bool:
        """Whether the day was claimed (or skipped) already: a cheap read before a claim."""
        return bool(await self._rows(HAS_DELIVERY, schedule=schedule_id, date=str(local_date)))

    async def skip(
        self, schedule: Schedule, *, local_date: date, due_at: datetime, note: str, now: datetime
    ) -> bool:
        """Record a day that will not be posted (it has no lease); False if that day
        already has a delivery."""
        skipped = {"claimed_by": "", "lease_until": None, "status": DeliveryStatus.SKIPPED.value}
        values = _day(schedule, local_date, due_at, now) | skipped | {"note": note}
        return await self._change(CLAIM, **values) == 1

    async def stalled(self, now: datetime) -> list[Delivery]:
        """Claimed deliveries whose holder stopped renewing its lease (it crashed, most likely)."""
        return await self._deliveries(await self._rows(STALLED, now=now))

    async def take_over(
        self, delivery_id: int, *, process: str, now: datetime, lease_until: datetime
    ) -> Delivery | None:
        """Hold a stalled claim: None if another process took it over or it was finished."""
        values = {"delivery": delivery_id, "process": process, "now": now, "lease": lease_until}

        async def update(tx: Tx) -> Delivery | None:
            if (await tx.execute(TAKE_OVER, values)).rowcount != 1:
                return None
            return await _delivery(tx.execute, delivery_id)

        return await self._write(update)

    async def renew(self, delivery_id: int, *, process: str, lease_until: datetime) -> bool:
        """Extend the lease before each post; False if this process no longer holds the claim."""
        values = {"delivery": delivery_id, "process": process, "lease": lease_until}
        return await self._change(RENEW, **values) == 1

    async def back_off(self, delivery_id: int, *, process: str, retry_at: datetime) -> int:
        """A send failed for a reason that may pass: count it and hold the claim until
        `retry_at`, when any process (this one included) may take it over and try again."""
        values = {"delivery": delivery_id, "process": process, "lease": retry_at}

        async def update(tx: Tx) -> int:
            if (failures := (await tx.execute(BACK_OFF, values)).scalar()) is None:
                row = (await tx.execute(GET_DELIVERY, {"delivery": delivery_id})).one()
                failures = row["failures"] if row is not None else 0
            return int(failures)

        return await self._write(update)

    async def finish(
        self, delivery_id: int, status: DeliveryStatus, *, now: datetime, note: str | None = None
    ) -> None:
        posted_at = now if status is DeliveryStatus.POSTED else None
        values = {"status": status.value, "posted_at": posted_at, "note": note}
        await self._change(FINISH, delivery=delivery_id, **values)

    async def set_post_message(self, post_id: int, message_id: int) -> None:
        await self._change(SET_MESSAGE, post=post_id, message=message_id)

    # Closing

    async def posted(self) -> list[tuple[Delivery, Schedule]]:
        """Deliveries posted and not yet closed, with their schedules (removed ones too)."""
        found = []
        for delivery in await self._deliveries(await self._rows(POSTED)):
            schedule = await self._row(ANY_SCHEDULE, schedule=delivery.schedule_id)
            if schedule is not None:
                found.append((delivery, schedule_from_row(schedule)))
        return found

    async def close(self, delivery_id: int, *, now: datetime) -> bool:
        """Claim the closing: True for the one process that closes the delivery."""
        return await self._change(CLOSE, delivery=delivery_id, now=now) == 1

    async def set_summary_message(self, delivery_id: int, message_id: int) -> None:
        await self._change(SET_SUMMARY, delivery=delivery_id, message=message_id)

    async def delivery(self, delivery_id: int) -> Delivery | None:
        return await _delivery(self._read, delivery_id)

    async def deliveries(self, schedule_id: int) -> list[Delivery]:
        return await self._deliveries(await self._rows(OF_SCHEDULE, schedule=schedule_id))

    async def _deliveries(self, rows: list[Row]) -> list[Delivery]:
        found = [await _delivery(self._read, row["delivery_id"]) for row in rows]
        return [delivery for delivery in found if delivery is not None]


def _day(schedule: Schedule, local_date: date, due_at: datetime, now: datetime) -> Row:
    """The columns of a delivery's row that a claimed day and a skipped one share."""
    day = {"schedule_id": schedule.schedule_id, "local_date": local_date.isoformat()}
    return day | {"due_at": due_at, "claimed_at": now}


async def _delivery(read: Any, delivery_id: int) -> Delivery | None:
    row = (await read(GET_DELIVERY, {"delivery": delivery_id})).one()
    if row is None:
        return None
    return delivery_from_rows(row, (await read(DELIVERY_POSTS, {"delivery": delivery_id})).rows)
