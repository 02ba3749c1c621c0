"""Members' display names as this process last stored them: a name is remembered here only
once its write has committed, so that after a failed write (a full disk, a PostgreSQL
restart, a pool timeout) the member's next interaction writes it again."""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.store import StoreError
from bot.store.names import MemberNames

log = logging.getLogger(__name__)


class DisplayNames:
    def __init__(self, names: MemberNames, clock: Clock) -> None:
        self._names = names
        self._clock = clock
        self._stored: dict[tuple[int, int], str] = {}

    def is_new(self, guild_id: int, member_id: int, name: str) -> bool:
        """Whether `name` is not the one stored for the member (so it needs writing)."""
        return self._stored.get((guild_id, member_id)) != name

    async def store(self, guild_id: int, member_id: int, name: str) -> None:
        """Write the name; a failure is logged (one line), never raised."""
        try:
            await self._names.remember_name(guild_id, member_id, name, self._clock.now())
        except StoreError as error:
            log.warning("could not store the display name of member %s: %s", member_id, error)
        else:
            self._stored[(guild_id, member_id)] = name
