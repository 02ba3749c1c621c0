"""Members' display names, as they last showed them to the bot in an interaction.

So that leaderboards and quiz results name people in one query, with no Discord call and no
mention per row. Server settings are `store.servers` (bot.store.servers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store.rows import to_db
from bot.store.writer import WriteJob

Write = Callable[[WriteJob[Any]], Awaitable[Any]]


class SqliteGuilds:
    """The member_names table of a SqliteStore: `store.guilds`."""

    def __init__(self, write: Write, reads: aiosqlite.Connection) -> None:
        self._write = write
        self._reads = reads

    async def remember_name(
        self, guild_id: int, member_id: int, display_name: str, now: datetime
    ) -> None:
        """Keep the member's display name for leaderboards (called when it changes)."""
        name = display_name.strip()[:100] or str(member_id)
        at = to_db(now, "now")

        def upsert(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO member_names (guild_id, member_id, display_name, seen_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, member_id) DO UPDATE SET "
                "display_name = excluded.display_name, seen_at = excluded.seen_at",
                (guild_id, member_id, name, at),
            )

        await self._write(upsert)

    async def display_name(self, guild_id: int, member_id: int) -> str | None:
        sql = "SELECT display_name FROM member_names WHERE guild_id = ? AND member_id = ?"
        async with self._reads.execute(sql, (guild_id, member_id)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row is not None else None
