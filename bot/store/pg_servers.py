"""bot.store.servers in PostgreSQL: the same statements as SQLite's (server_queries.py),
each write one transaction with its audit entry, as in server_sqlite.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg

from bot import progress
from bot.store import pg_queries
from bot.store.protocol import Post
from bot.store.rows import from_db, post_from_row
from bot.store.servers import (
    DEFAULT_FORGET_AFTER_DAYS,
    Audit,
    Forgotten,
    ReportSummary,
    ServerData,
    ServerSettings,
)

T = TypeVar("T")
Connection = psycopg.AsyncConnection[dict[str, Any]]
Write = Callable[[Callable[[Connection], Awaitable[Any]]], Awaitable[Any]]
Read = Callable[..., Awaitable[Any]]
sql = pg_queries.SERVER


class PostgresServers:
    def __init__(self, write: Write, read: Read) -> None:
        self._write = write
        self._read = read

    async def settings(self, guild_id: int) -> ServerSettings:
        row = await self._read(_one, sql["SETTINGS"], (guild_id,))
        channels = await self._read(_all, sql["PRACTICE_CHANNELS"], (guild_id,))
        practice = frozenset(int(channel["channel_id"]) for channel in channels)
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
            "at": _at(audit.acted_at, "acted_at"),
        }

        async def save(db: Connection) -> None:
            await db.execute(sql["SAVE_SETTINGS"], values)
            await db.execute(sql["CLEAR_PRACTICE_CHANNELS"], (settings.guild_id,))
            for channel_id in sorted(settings.practice_channel_ids):
                await db.execute(sql["ADD_PRACTICE_CHANNEL"], (settings.guild_id, channel_id))
            await _record(db, audit)

        await self._write(save)
        return settings

    async def post_by_message(self, message_id: int) -> Post | None:
        row = await self._read(_one, sql["POST_BY_MESSAGE"], (message_id,))
        return post_from_row(row) if row is not None else None

    async def reset_attempts(self, *, post_id: int, member_id: int, audit: Audit) -> int:
        async def reset(db: Connection) -> int:
            await db.execute(sql["RESET_HINTS"], (post_id, member_id))
            cursor = await db.execute(sql["RESET_ATTEMPTS"], (post_id, member_id))
            await _record(db, audit)
            return cursor.rowcount

        result: int = await self._write(reset)
        return result

    async def close_post(self, post_id: int, audit: Audit) -> bool:
        values = (post_id, audit.moderator_id, _at(audit.acted_at, "acted_at"))

        async def close(db: Connection) -> bool:
            cursor = await db.execute(sql["CLOSE_POST"], values)
            closed = cursor.rowcount == 1
            if closed:
                await _record(db, audit)
            return closed

        result: bool = await self._write(close)
        return result

    async def closed_at(self, post_id: int) -> datetime | None:
        row = await self._read(_one, sql["CLOSED_AT"], (post_id,))
        return from_db(row["closed_at"]) if row is not None else None

    async def set_exercise_disabled(
        self, *, guild_id: int, exercise_id: str, disabled: bool, audit: Audit
    ) -> bool:
        at = _at(audit.acted_at, "acted_at")

        async def change(db: Connection) -> bool:
            if disabled:
                values: tuple[Any, ...] = (guild_id, exercise_id, audit.moderator_id, at)
                statement = sql["DISABLE_EXERCISE"]
            else:
                values, statement = (guild_id, exercise_id), sql["ENABLE_EXERCISE"]
            cursor = await db.execute(statement, values)
            changed = cursor.rowcount == 1
            if changed:
                await _record(db, audit)
            return changed

        result: bool = await self._write(change)
        return result

    async def disabled_exercises(self, guild_id: int) -> frozenset[str]:
        rows = await self._read(_all, sql["DISABLED_EXERCISES"], (guild_id,))
        return frozenset(str(row["exercise_id"]) for row in rows)

    async def add_report(
        self, post: Post, *, member_id: int, reason: str, reported_at: datetime
    ) -> int:
        reason = reason.strip()[:500]
        if not reason:
            raise ValueError("a report needs a reason")
        at = _at(reported_at, "reported_at")
        version = (post.guild_id, post.exercise_id, post.content_hash)
        values = (post.guild_id, post.post_id, post.exercise_id, post.content_hash)

        async def add(db: Connection) -> int:
            await db.execute(sql["ADD_REPORT"], (*values, member_id, reason, at))
            row = await _one(db, sql["REPORT_COUNT"], version)
            return int(row["count"]) if row is not None else 0

        result: int = await self._write(add)
        return result

    async def reports(self, guild_id: int) -> list[ReportSummary]:
        grouped: dict[tuple[str, str], list[str]] = {}
        for row in await self._read(_all, sql["REPORTS"], (guild_id,)):
            grouped.setdefault((row["exercise_id"], row["content_hash"]), []).append(row["reason"])
        summaries = [
            ReportSummary(exercise_id, content_hash, len(reasons), tuple(reasons))
            for (exercise_id, content_hash), reasons in grouped.items()
        ]
        return sorted(summaries, key=lambda summary: -summary.count)

    async def audit_log(self, guild_id: int, *, limit: int = 20) -> list[Audit]:
        rows = await self._read(_all, sql["AUDIT_LOG"], (guild_id, limit))
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
        values = {"guild": guild_id, "member": member_id, "at": _at(now, "now")}

        async def forget(db: Connection) -> Forgotten:
            counts = []
            for name in ("FORGET_ATTEMPTS", "FORGET_HINTS", "FORGET_REPORTS"):
                counts.append((await db.execute(sql[name], values)).rowcount)
            await db.execute(sql["FORGET_TEST_QUESTIONS"], values)
            runs = (await db.execute(sql["FORGET_TEST_RUNS"], values)).rowcount
            await db.execute(sql["REMEMBER_FORGOTTEN"], values)
            attempts, hints, reports = counts
            return Forgotten(attempts=attempts, hints=hints, test_runs=runs, reports=reports)

        result: Forgotten = await self._write(forget)
        return result

    async def servers_kept(self) -> frozenset[int]:
        rows = await self._read(_all, sql["SERVERS_KEPT"], ())
        return frozenset(int(row["guild_id"]) for row in rows)

    async def server_left(self, guild_id: int, now: datetime) -> None:
        values = (guild_id, _at(now, "now"))

        async def left(db: Connection) -> None:
            await db.execute(sql["SERVER_LEFT"], values)

        await self._write(left)

    async def server_returned(self, guild_id: int) -> bool:
        async def returned(db: Connection) -> bool:
            return (await db.execute(sql["SERVER_RETURNED"], (guild_id,))).rowcount == 1

        result: bool = await self._write(returned)
        return result

    async def delete_departed_servers(self, now: datetime) -> list[int]:
        _at(now, "now")  # refuses a naive time before anything is deleted

        async def delete(db: Connection) -> list[int]:
            due = []
            values = {"default_days": DEFAULT_FORGET_AFTER_DAYS}
            for row in await _all(db, sql["DEPARTED"], values):
                if from_db(row["left_at"]) + timedelta(days=row["days"]) <= now:
                    due.append(int(row["guild_id"]))
            for guild_id in due:
                for statement in pg_queries.DELETE_SERVER:
                    await db.execute(statement, {"guild": guild_id})
            return due

        result: list[int] = await self._write(delete)
        return result


def _at(moment: datetime, name: str) -> datetime:
    return progress.require_aware(moment, name)


async def _record(db: Connection, audit: Audit) -> None:
    at = _at(audit.acted_at, "acted_at")
    values = (audit.guild_id, audit.moderator_id, audit.action, audit.detail[:300], at)
    await db.execute(sql["AUDIT"], values)


async def _one(db: Connection, statement: str, values: Any) -> dict[str, Any] | None:
    cursor = await db.execute(statement, values)
    return await cursor.fetchone()


async def _all(db: Connection, statement: str, values: Any) -> list[dict[str, Any]]:
    cursor = await db.execute(statement, values)
    return await cursor.fetchall()


if TYPE_CHECKING:
    _keeps_the_contract: type[ServerData] = PostgresServers
