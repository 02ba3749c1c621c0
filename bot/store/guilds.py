"""What the bot knows of each server beyond the learner log: settings it reads, members' names.

guild_settings belongs to "Moderators I" (issue 12, /tutor config); the daily quizzes read the
server's time zone, moderator role and log channel from it. Display names are remembered as
members show them in interactions, so leaderboards need no Discord call per row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from sqlite3 import Row
from typing import Any

import aiosqlite

from bot.store.rows import to_db
from bot.store.writer import WriteJob

Write = Callable[[WriteJob[Any]], Awaitable[Any]]


class SqliteGuilds:
    """Server settings and member names of a SqliteStore: `store.guilds`."""

    def __init__(self, write: Write, reads: aiosqlite.Connection) -> None:
        self._write = write
        self._reads = reads

    async def guild_time_zone(self, guild_id: int) -> str | None:
        row = await _one(
            self._reads, "SELECT time_zone FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return str(row[0]) if row is not None else None

    async def set_time_zone(self, guild_id: int, zone: str, now: datetime) -> None:
        """The server's zone (issue 12's /tutor config writes it too)."""
        await self._set_setting(guild_id, "time_zone", zone, now)

    async def _set_setting(self, guild_id: int, column: str, value: object, now: datetime) -> None:
        assert column in {"time_zone", "log_channel_id", "quiz_ping_role_id"}
        at = to_db(now, "now")

        async def upsert(db: aiosqlite.Connection) -> None:
            await db.execute(
                f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, "
                "updated_at = excluded.updated_at",
                (guild_id, value, at),
            )

        await self._write(upsert)

    async def remember_name(
        self, guild_id: int, member_id: int, display_name: str, now: datetime
    ) -> None:
        """Keep the member's display name for leaderboards (called when it changes)."""
        name = display_name.strip()[:100] or str(member_id)
        at = to_db(now, "now")

        async def upsert(db: aiosqlite.Connection) -> None:
            await db.execute(
                "INSERT INTO member_names (guild_id, member_id, display_name, seen_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, member_id) DO UPDATE SET "
                "display_name = excluded.display_name, seen_at = excluded.seen_at",
                (guild_id, member_id, name, at),
            )

        await self._write(upsert)

    async def quiz_ping_role(self, guild_id: int) -> int | None:
        """The role a daily quiz mentions in its post, if the server set one."""
        sql = "SELECT quiz_ping_role_id FROM guild_settings WHERE guild_id = ?"
        row = await _one(self._reads, sql, (guild_id,))
        return int(row[0]) if row is not None and row[0] is not None else None

    async def set_quiz_ping_role(self, guild_id: int, role_id: int | None, now: datetime) -> None:
        await self._set_setting(guild_id, "quiz_ping_role_id", role_id, now)

    async def moderator_role(self, guild_id: int) -> int | None:
        sql = "SELECT moderator_role_id FROM guild_settings WHERE guild_id = ?"
        row = await _one(self._reads, sql, (guild_id,))
        return int(row[0]) if row is not None and row[0] is not None else None

    async def log_channel(self, guild_id: int) -> int | None:
        sql = "SELECT log_channel_id FROM guild_settings WHERE guild_id = ?"
        row = await _one(self._reads, sql, (guild_id,))
        return int(row[0]) if row is not None and row[0] is not None else None

    async def set_log_channel(self, guild_id: int, channel_id: int | None, now: datetime) -> None:
        await self._set_setting(guild_id, "log_channel_id", channel_id, now)


async def _one(db: aiosqlite.Connection, sql: str, values: Any) -> Row | None:
    async with db.execute(sql, values) as cursor:
        row: Row | None = await cursor.fetchone()
    return row
