"""Deleting a server's data once the bot has been gone from it for its grace period.

The bot calls `left` when removed from a server and `returned` when added back (which
cancels the deletion). A sweep runs at start and then every hour of the clock. What happened
is noted in `noted` ("left", "returned", "deleted" with the server's id) for logs and tests,
which wait with `wait_for` and `swept_after` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.clock import Clock
from bot.store import TutorStore

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 3600.0


class Retention:
    def __init__(self, *, store: TutorStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.last_sweep: datetime | None = None
        self.noted: list[tuple[str, int]] = []
        self._swept = asyncio.Condition()

    async def _note(self, what: str, guild_id: int) -> None:
        async with self._swept:
            self.noted.append((what, guild_id))
            self._swept.notify_all()

    async def left(self, guild_id: int) -> None:
        await self.store.servers.server_left(guild_id, self.clock.now())
        log.info("removed from server %s: its data is deleted after its grace period", guild_id)
        await self._note("left", guild_id)

    async def returned(self, guild_id: int) -> None:
        if await self.store.servers.server_returned(guild_id):
            log.info("back on server %s: its data is kept", guild_id)
            await self._note("returned", guild_id)

    async def reconcile(self, present: frozenset[int]) -> None:
        """At connection: servers with data that the bot is no longer in were left while it
        was offline (no event came), so their grace period starts now."""
        for guild_id in sorted(await self.store.servers.servers_kept() - present):
            await self.left(guild_id)

    async def sweep(self) -> list[int]:
        now = self.clock.now()
        deleted = await self.store.servers.delete_departed_servers(now)
        for guild_id in deleted:
            log.info("deleted the data of server %s, which removed the bot", guild_id)
            await self._note("deleted", guild_id)
        async with self._swept:
            self.last_sweep = now
            self._swept.notify_all()
        return deleted

    async def run(self) -> None:
        """Sweep now and then every hour, until cancelled; a failed sweep is retried."""
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("deleting departed servers' data failed; trying again later")
            await self.clock.sleep(SWEEP_EVERY_SECONDS)

    async def wait_for(self, what: str, guild_id: int) -> None:
        """Wait until `what` ("left", "returned", "deleted") has been noted for the server."""
        async with self._swept:
            await self._swept.wait_for(lambda: (what, guild_id) in self.noted)

    async def swept_after(self, moment: datetime) -> None:
        """Wait until a sweep has run at `moment` or later."""
        async with self._swept:
            await self._swept.wait_for(
                lambda: self.last_sweep is not None and self.last_sweep >= moment
            )
