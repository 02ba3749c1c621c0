"""Public counters: coalesced edits on a manual clock, and due edits made at shutdown."""

from __future__ import annotations

import asyncio

from bot.practice.counters import CounterRefresher
from tests.clock import ManualClock


async def test_fifty_changes_in_one_window_cause_one_edit() -> None:
    clock = ManualClock()
    edits: list[int] = []

    async def edit(post_id: int) -> None:
        edits.append(post_id)

    refresher = CounterRefresher(edit, clock, interval=5.0)
    for _ in range(50):
        refresher.post_changed(7)
        await clock.advance(0.05)
    await clock.advance(5.0)
    assert edits == [7]

    refresher.post_changed(7)  # a change after the edit needs an edit of its own
    await clock.advance(5.0)
    assert edits == [7, 7]


async def test_edits_still_due_are_made_at_shutdown_without_waiting() -> None:
    clock = ManualClock()
    edits: list[int] = []

    async def edit(post_id: int) -> None:
        edits.append(post_id)

    refresher = CounterRefresher(edit, clock, interval=5.0)
    refresher.post_changed(1)
    refresher.post_changed(2)
    await clock.advance(1.0)

    await refresher.flush()

    assert sorted(edits) == [1, 2]
    await clock.advance(10.0)
    assert sorted(edits) == [1, 2]  # the cancelled waits do not edit again


async def test_shutdown_waits_for_an_edit_already_under_way() -> None:
    """An edit whose wait ended just before shutdown is no longer due, but it is still
    talking to Discord: the connection must not close under it."""
    clock = ManualClock()
    started, release = asyncio.Event(), asyncio.Event()
    edits: list[int] = []

    async def edit(post_id: int) -> None:
        started.set()
        await release.wait()  # Discord still answering
        edits.append(post_id)

    refresher = CounterRefresher(edit, clock, interval=5.0)
    refresher.post_changed(3)
    await clock.advance(5.0)
    await started.wait()

    flushing = asyncio.create_task(refresher.flush())
    await asyncio.sleep(0)  # flush runs up to its wait
    assert not flushing.done()
    release.set()
    await flushing
    assert edits == [3]
