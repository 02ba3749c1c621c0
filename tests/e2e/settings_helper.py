"""Server settings for a test, saved as /tutor config would (with its audit entry)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.store import Audit, TutorStore


async def configure(store: TutorStore, guild_id: int, now: datetime, **fields: object) -> None:
    """Change the server's settings (time_zone, log_channel_id, quiz_role_id, ...)."""
    settings = dataclasses.replace(await store.servers.settings(guild_id), **fields)
    await store.servers.save_settings(settings, Audit(guild_id, 1, "config", "test", now))
