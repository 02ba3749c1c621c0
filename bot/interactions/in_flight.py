"""Interactions received and not yet answered, so that shutting down answers them first.

The bot notes each interaction as it arrives (before any handler runs) and settles it when
its handler is done; a stop (SIGTERM, Ctrl-C) then waits, up to a grace period, for every
interaction already received to be answered. No Discord calls here, only discord.py's
Interaction objects and the tasks handling them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

log = logging.getLogger(__name__)

PRUNE_AT = 1024
"""Interactions held at which `arrived` first looks for answered ones left behind."""


class InFlight:
    def __init__(self) -> None:
        self._unanswered: dict[int, discord.Interaction] = {}  # received, not yet settled
        self._prune_at = PRUNE_AT
        self._handling: set[asyncio.Task[Any]] = set()  # button handlers still running

    def arrived(self, interaction: discord.Interaction) -> None:
        if len(self._unanswered) >= self._prune_at:
            self._prune()
        self._unanswered[interaction.id] = interaction

    def settled(self, interaction: discord.Interaction) -> None:
        """Its handler is done: answered, or (say, too late) never to be answered."""
        self._unanswered.pop(interaction.id, None)

    def handled_by(self, task: asyncio.Task[Any] | None) -> None:
        """A task that is answering an interaction: a stop waits for it too."""
        if task is not None:
            self._handling.add(task)
            task.add_done_callback(self._handling.discard)

    def _prune(self) -> None:
        """Forget answered interactions that no handler settled (rare: every path settles its
        own). Amortised: a scan of every entry only when the map has doubled since the last."""
        answered = [key for key, i in self._unanswered.items() if i.response.is_done()]
        for key in answered:
            del self._unanswered[key]
        self._prune_at = max(PRUNE_AT, 2 * len(self._unanswered))

    async def answer_all(self, grace_seconds: float) -> None:
        """Wait until every interaction received is answered and every handler has ended, or
        the grace period is over (then say how many were left)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_seconds
        while loop.time() < deadline:
            await asyncio.sleep(0)  # let interactions already read start their handlers
            waiting = [i for i in self._unanswered.values() if not i.response.is_done()]
            if not waiting and not self._handling:
                return
            if self._handling:
                await asyncio.wait(set(self._handling), timeout=0.05)
            else:  # received, but its handler has not started yet: look again shortly
                await asyncio.sleep(0.05)
        log.warning(
            "shutting down with %d interactions unanswered after %.0f s",
            sum(not i.response.is_done() for i in self._unanswered.values()),
            grace_seconds,
        )
