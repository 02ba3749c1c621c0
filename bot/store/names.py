"""Members' display names, as they last showed them to the bot in an interaction: `store.guilds`.

So that leaderboards and quiz results name people in one query, with no Discord call and no
mention per row.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.store.part import Part
from bot.store.run import insert_or_update
from bot.store.tables import GUILD, MEMBER, member_names

REMEMBER = insert_or_update(member_names, ["guild_id", "member_id"], "display_name", "seen_at")
DISPLAY_NAME = sa.select(member_names.c.display_name).where(
    member_names.c.guild_id == GUILD, member_names.c.member_id == MEMBER
)


class MemberNames(Part):
    async def remember_name(
        self, guild_id: int, member_id: int, display_name: str, now: datetime
    ) -> None:
        """Keep the member's display name for leaderboards (called when it changes)."""
        name = display_name.strip()[:100] or str(member_id)
        values = {"guild_id": guild_id, "member_id": member_id, "display_name": name}
        await self._change(REMEMBER, **values, seen_at=now)

    async def display_name(self, guild_id: int, member_id: int) -> str | None:
        row = await self._row(DISPLAY_NAME, guild=guild_id, member=member_id)
        return str(row["display_name"]) if row is not None else None
