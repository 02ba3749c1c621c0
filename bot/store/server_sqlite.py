"""bot.store.servers in SQLite: per-server settings, moderators' actions, reports, forgetting.

Shares the learner store's one writer and its read connection (see sqlite.py); every write
is one job, and a moderator's action is recorded in the same transaction as its effect.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from sqlite3 import Row
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from bot.store import server_queries as sql
from bot.store.protocol import Post
from bot.store.rows import from_db, post_from_row, to_db
from bot.store.servers import (
    DEFAULT_FORGET_AFTER_DAYS,
    Audit,
    Forgotten,
    ReportAdded,
    ReportSummary,
    ServerData,
    ServerSettings,
)

T = TypeVar("T")
Submit = Callable[[Callable[[sqlite3.Connection], T]], Awaitable[T]]


class SqliteServers:
    def __init__(
        self,
        write: Submit[Any],
        reads: aiosqlite.Connection,
        lookups: sqlite3.Connection | None = None,
    ) -> None:
        """`lookups`, when given, is a plain read-only connection for the lookups by key that
        every click makes (is its post closed?), run on the event loop: a hop to the read
        connection's thread costs far more than the lookup (see SqliteStore.get_post)."""
        self._write = write
        self._reads = reads
        self._lookups = lookups

    async def settings(self, guild_id: int) -> ServerSettings:
        row = await _one(self._reads, sql.SETTINGS, (guild_id,))
        channels = await _all(self._reads, sql.PRACTICE_CHANNELS, (guild_id,))
        practice = frozenset(int(channel[0]) for channel in channels)
        if row is None:
            return ServerSettings(guild_id, practice_channel_ids=practice)
        return ServerSettings(
            guild_id=guild_id,
            time_zone=row["time_zone"],
            moderator_role_id=row["moderator_role_id"],
            practice_channel_ids=practice,
            log_channel_id=row["log_channel_id"],
            quiz_role_id=row["quiz_role_id"],
            forget_after_days=row["forget_after_days"],
        )

    async def save_settings(self, settings: ServerSettings, audit: Audit) -> ServerSettings:
        values = {
            "guild": settings.guild_id,
            "time_zone": settings.time_zone,
            "moderator_role": settings.moderator_role_id,
            "log_channel": settings.log_channel_id,
            "quiz_role": settings.quiz_role_id,
            "forget_after": settings.forget_after_days,
            "at": to_db(audit.acted_at, "acted_at"),
        }

        def save(db: sqlite3.Connection) -> None:
            db.execute(sql.SAVE_SETTINGS, values)
            db.execute(sql.CLEAR_PRACTICE_CHANNELS, (settings.guild_id,))
            for channel_id in sorted(settings.practice_channel_ids):
                db.execute(sql.ADD_PRACTICE_CHANNEL, (settings.guild_id, channel_id))
            _record(db, audit)

        await self._write(save)
        return settings

    async def post_by_message(self, message_id: int) -> Post | None:
        row = await _one(self._reads, sql.POST_BY_MESSAGE, (message_id,))
        return post_from_row(row) if row is not None else None

    async def reset_attempts(self, *, post_id: int, member_id: int, audit: Audit) -> int:
        def reset(db: sqlite3.Connection) -> int:
            db.execute(sql.RESET_HINTS, (post_id, member_id))
            deleted = db.execute(sql.RESET_ATTEMPTS, (post_id, member_id)).rowcount
            _record(db, audit)
            return deleted

        result: int = await self._write(reset)
        return result

    async def close_post(self, post_id: int, audit: Audit) -> bool:
        values = (post_id, audit.moderator_id, to_db(audit.acted_at, "acted_at"))

        def close(db: sqlite3.Connection) -> bool:
            closed = db.execute(sql.CLOSE_POST, values).rowcount == 1
            if closed:
                _record(db, audit)
            return closed

        result: bool = await self._write(close)
        return result

    async def closed_at(self, post_id: int) -> datetime | None:
        if self._lookups is not None:
            row = self._lookups.execute(sql.CLOSED_AT, (post_id,)).fetchone()
        else:
            row = await _one(self._reads, sql.CLOSED_AT, (post_id,))
        return from_db(row[0]) if row is not None else None

    async def set_exercise_disabled(
        self, *, guild_id: int, exercise_id: str, disabled: bool, audit: Audit
    ) -> bool:
        at = to_db(audit.acted_at, "acted_at")

        def change(db: sqlite3.Connection) -> bool:
            if disabled:
                values: tuple[Any, ...] = (guild_id, exercise_id, audit.moderator_id, at)
                statement = sql.DISABLE_EXERCISE
            else:
                values, statement = (guild_id, exercise_id), sql.ENABLE_EXERCISE
            changed = db.execute(statement, values).rowcount == 1
            if changed:
                _record(db, audit)
            return changed

        result: bool = await self._write(change)
        return result

    async def disabled_exercises(self, guild_id: int) -> frozenset[str]:
        rows = await _all(self._reads, sql.DISABLED_EXERCISES, (guild_id,))
        return frozenset(str(row[0]) for row in rows)

    async def add_report(
        self,
        post: Post,
        *,
        member_id: int,
        reason: str,
        reported_at: datetime,
        since: datetime,
        budget: int,
    ) -> ReportAdded:
        reason = reason.strip()[:500]
        if not reason:
            raise ValueError("a report needs a reason")
        at, start = to_db(reported_at, "reported_at"), to_db(since, "since")
        version = (post.guild_id, post.exercise_id, post.content_hash)
        values = (post.guild_id, post.post_id, post.exercise_id, post.content_hash)

        def count(db: sqlite3.Connection, query: str, parameters: tuple[Any, ...]) -> int:
            row = db.execute(query, parameters).fetchone()
            return int(row[0]) if row is not None else 0

        def add(db: sqlite3.Connection) -> ReportAdded:
            earlier = count(
                db, sql.EXERCISE_REPORTS_SINCE, (post.guild_id, post.exercise_id, start)
            )
            mine = db.execute(sql.MEMBERS_REPORT, (*version, member_id)).fetchone()
            if mine is not None:
                db.execute(sql.REPLACE_REASON, (reason, mine[0]))
                return ReportAdded(True, False, count(db, sql.REPORT_COUNT, version), earlier)
            if count(db, sql.MEMBER_REPORTS_SINCE, (post.guild_id, member_id, start)) >= budget:
                return ReportAdded(False, False, count(db, sql.REPORT_COUNT, version), earlier)
            db.execute(sql.ADD_REPORT, (*values, member_id, reason, at))
            return ReportAdded(True, True, count(db, sql.REPORT_COUNT, version), earlier)

        result: ReportAdded = await self._write(add)
        return result

    async def reports(self, guild_id: int) -> list[ReportSummary]:
        grouped: dict[tuple[str, str], list[str]] = {}
        for row in await _all(self._reads, sql.REPORTS, (guild_id,)):
            grouped.setdefault((row["exercise_id"], row["content_hash"]), []).append(row["reason"])
        summaries = [
            ReportSummary(exercise_id, content_hash, len(reasons), tuple(reasons))
            for (exercise_id, content_hash), reasons in grouped.items()
        ]
        return sorted(summaries, key=lambda summary: -summary.count)  # stable: newest first

    async def audit_log(self, guild_id: int, *, limit: int = 20) -> list[Audit]:
        rows = await _all(self._reads, sql.AUDIT_LOG, (guild_id, limit))
        return [
            Audit(
                row["guild_id"],
                row["moderator_id"],
                row["action"],
                row["detail"],
                from_db(row["acted_at"]),
            )
            for row in rows
        ]

    async def forget_member(self, *, guild_id: int, member_id: int, now: datetime) -> Forgotten:
        values = {"guild": guild_id, "member": member_id, "at": to_db(now, "now")}

        def forget(db: sqlite3.Connection) -> Forgotten:
            counts = [
                db.execute(statement, values).rowcount
                for statement in (sql.FORGET_ATTEMPTS, sql.FORGET_HINTS, sql.FORGET_REPORTS)
            ]
            db.execute(sql.FORGET_TEST_QUESTIONS, values)
            runs = db.execute(sql.FORGET_TEST_RUNS, values).rowcount
            db.execute(sql.FORGET_NAME, values)
            db.execute(sql.REMEMBER_FORGOTTEN, values)
            attempts, hints, reports = counts
            return Forgotten(attempts=attempts, hints=hints, test_runs=runs, reports=reports)

        result: Forgotten = await self._write(forget)
        return result

    async def servers_kept(self) -> frozenset[int]:
        rows = await _all(self._reads, sql.SERVERS_KEPT, ())
        return frozenset(int(row[0]) for row in rows)

    async def server_left(self, guild_id: int, now: datetime) -> None:
        values = (guild_id, to_db(now, "now"))

        def left(db: sqlite3.Connection) -> None:
            db.execute(sql.SERVER_LEFT, values)

        await self._write(left)

    async def server_returned(self, guild_id: int) -> bool:
        def returned(db: sqlite3.Connection) -> bool:
            return db.execute(sql.SERVER_RETURNED, (guild_id,)).rowcount == 1

        result: bool = await self._write(returned)
        return result

    async def delete_departed_servers(self, now: datetime) -> list[int]:
        to_db(now, "now")  # refuses a naive time before anything is deleted

        def delete(db: sqlite3.Connection) -> list[int]:
            due = []
            values = {"default_days": DEFAULT_FORGET_AFTER_DAYS}
            for row in db.execute(sql.DEPARTED, values).fetchall():
                if from_db(row["left_at"]) + timedelta(days=row["days"]) <= now:
                    due.append(int(row["guild_id"]))
            for guild_id in due:
                for statement in sql.DELETE_SERVER:
                    db.execute(statement, {"guild": guild_id})
            return due

        result: list[int] = await self._write(delete)
        return result


def _record(db: sqlite3.Connection, audit: Audit) -> None:
    at = to_db(audit.acted_at, "acted_at")
    values = (audit.guild_id, audit.moderator_id, audit.action, audit.detail[:300], at)
    db.execute(sql.AUDIT, values)


async def _one(db: aiosqlite.Connection, statement: str, values: Any) -> Row | None:
    async with db.execute(statement, values) as cursor:
        row: Row | None = await cursor.fetchone()
    return row


async def _all(db: aiosqlite.Connection, statement: str, values: Any) -> list[Row]:
    async with db.execute(statement, values) as cursor:
        return list(await cursor.fetchall())


if TYPE_CHECKING:
    _keeps_the_contract: type[ServerData] = SqliteServers
