"""A member's display name is remembered only once its write is stored: after a failed
write the next interaction writes it again, and the failure is one log line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.display_names import DisplayNames
from bot.store import TutorStore
from tests.clock import ManualClock


async def test_a_name_whose_write_failed_is_written_again_next_time(tmp_path, caplog):
    path = tmp_path / "tutor.sqlite3"
    clock = ManualClock(datetime(2025, 3, 12, 12, 0, tzinfo=UTC))
    store = await TutorStore.open(path)
    names = DisplayNames(store.guilds, clock)
    await store.close()  # every write fails now, as on a full disk
    with caplog.at_level(logging.WARNING, logger="bot.display_names"):
        await names.store(1, 42, "Ada")  # logged, not raised
    assert [r.getMessage() for r in caplog.records] == [
        "could not store the display name of member 42: "
        "the store is closed; no more writes are accepted"
    ]
    assert names.is_new(1, 42, "Ada")  # so the next interaction writes it again

    async with await TutorStore.open(path) as reopened:
        names = DisplayNames(reopened.guilds, clock)
        await names.store(1, 42, "Ada")
        assert not names.is_new(1, 42, "Ada")
        assert await reopened.guilds.display_name(1, 42) == "Ada"
