"""The public counters under a post ("5 answered · 3 solved"), refreshed by coalesced edits.

A click only marks its post as changed; at most one edit per post per `interval` follows,
however many clicks arrive. Never edits on the path of a click, never waits for Discord there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import Context

from bot.clock import Clock

log = logging.getLogger(__name__)

EditPost = Callable[[int], Awaitable[None]]


class CounterRefresher:
    def __init__(self, edit_post: EditPost, clock: Clock, *, interval: float = 5.0) -> None:
        self._edit_post = edit_post
        self._clock = clock
        self._interval = interval
        self._pending: dict[int, asyncio.Task[None]] = {}  # waiting for their interval
        self._editing: set[asyncio.Task[None]] = set()  # past it: their edit under way

    def post_changed(self, post_id: int) -> None:
        """Schedule one edit of the post within `interval`, unless one is already due."""
        if post_id in self._pending:
            return
        # A fresh context: the edit is for the post, not for the click that happened first
        # (bot.logs would otherwise tag its records with that click's ids).
        task = asyncio.create_task(
            self._refresh(post_id), name=f"refresh-counters-{post_id}", context=Context()
        )
        self._pending[post_id] = task

    async def _refresh(self, post_id: int) -> None:
        try:
            await self._clock.sleep(self._interval)
        finally:
            # Changes from now on need a new edit: they may come after the state we read.
            self._pending.pop(post_id, None)
        task = asyncio.current_task()
        assert task is not None
        self._editing.add(task)
        try:
            await self._edit(post_id)
        finally:
            self._editing.discard(task)

    async def _edit(self, post_id: int) -> None:
        try:
            await self._edit_post(post_id)
        except Exception:
            log.warning("could not refresh the counters of post %s", post_id, exc_info=True)

    async def flush(self, *, within: float = 5.0) -> None:
        """On shutdown: make the edits still due now rather than after their wait, and let
        those already under way end (the connection closes next: an edit cut off by its
        close would fail)."""
        due = list(self._pending)
        for task in self._pending.values():
            task.cancel()
        self._pending.clear()
        under_way = list(self._editing)
        if due or under_way:
            edits = asyncio.gather(*(self._edit(post_id) for post_id in due), *under_way)
            try:
                await asyncio.wait_for(edits, within)
            except TimeoutError:
                count = len(due) + len(under_way)
                log.warning("gave up refreshing %d posts' counters on shutdown", count)
