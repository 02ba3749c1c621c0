"""Members' display names, as they last showed them to the bot in an interaction: `store.guilds`.

So that leaderboards and quiz results name people in one query, with no Discord call and no
mention per row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.store.run import Result, Statement, Tx, upsert
from bot.store.tables import Id, member_names

Write = Callable[[Callable[[Tx], Awaitable[Any]]], Awaitable[Any]]
Read = Callable[[Statement, Mapping[str, Any]], Awaitable[Result]]

_COLUMNS = ("guild_id", "member_id", "display_name", "seen_at")
REMEMBER = upsert(
    lambda insert: (
        statement := insert(member_names).values({c: sa.bindparam(c) for c in _COLUMNS})
    ).on_conflict_do_update(
        index_elements=["guild_id", "member_id"],
        set_={
            "display_name": statement.excluded.display_name,
            "seen_at": statement.excluded.seen_at,
        },
    )
)
DISPLAY_NAME = sa.select(member_names.c.display_name).where(
    member_names.c.guild_id == sa.bindparam("guild", type_=Id),
    member_names.c.member_id == sa.bindparam("member", type_=Id),
)


class MemberNames:
    def __init__(self, write: Write, read: Read) -> None:
        self._write = write
        self._read = read

    async def remember_name(
        self, guild_id: int, member_id: int, display_name: str, now: datetime
    ) -> None:
        """Keep the member's display name for leaderboards (called when it changes)."""
        values = {
            "guild_id": guild_id,
            "member_id": member_id,
            "display_name": display_name.strip()[:100] or str(member_id),
            "seen_at": now,
        }

        async def remember(tx: Tx) -> None:
            await tx.execute(REMEMBER, values)

        await self._write(remember)

    async def display_name(self, guild_id: int, member_id: int) -> str | None:
        found = await self._read(DISPLAY_NAME, {"guild": guild_id, "member": member_id})
        return str(found.scalar()) if found.rows else None
