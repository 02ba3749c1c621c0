"""A click's reads on PostgreSQL are coalesced, never cached (bot/store/pg_lookups.py): a
burst's lookups share one statement, and a lookup never takes an answer read before it
asked, so a post closed by another bot process is closed for the very next click."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from exercises.progress import PostContext
from bot.store.pg_lookups import Coalesced
from bot.store.postgres import PostgresStore
from bot.store.servers import Audit
from exercises.model import Difficulty
from tests.postgres import fresh_schema

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


class Table:
    """A stand-in for the database: values by key, and each statement's keys."""

    def __init__(self) -> None:
        self.values: dict[int, str] = {}
        self.statements: list[list[int]] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.sent = asyncio.Event()

    async def fetch(self, keys: list[int]) -> dict[int, str]:
        self.statements.append(sorted(keys))
        self.sent.set()
        seen = dict(self.values)  # the statement's snapshot, taken as it is sent
        await self.hold.wait()
        return {key: seen[key] for key in keys if key in seen}


async def test_lookups_waiting_together_share_one_statement():
    table = Table()
    table.values = {1: "one", 2: "two"}
    lookups = Coalesced(table.fetch)

    found = await asyncio.gather(*(lookups.get(key) for key in (1, 2, 1, 3)))

    assert found == ["one", "two", "one", None]
    assert table.statements == [[1, 2, 3]]


async def test_a_lookup_never_takes_an_answer_read_before_it_asked():
    table = Table()
    table.values = {1: "open"}
    lookups = Coalesced(table.fetch)
    table.hold.clear()
    first = asyncio.create_task(lookups.get(1))
    await table.sent.wait()  # the first statement is on its way

    table.values = {1: "closed"}  # committed by another process meanwhile
    second = asyncio.create_task(lookups.get(1))  # asked after that commit
    await asyncio.sleep(0)
    table.hold.set()

    assert await first == "open"
    assert await second == "closed"
    assert table.statements == [[1], [1]]


async def test_a_failed_statement_fails_its_lookups_only():
    calls = 0

    async def fetch(keys: list[int]) -> dict[int, str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("the server went away")
        return {key: "back" for key in keys}

    lookups = Coalesced(fetch)
    with pytest.raises(ConnectionError):
        await lookups.get(1)
    assert await lookups.get(1) == "back"


@pytest.mark.postgres
async def test_a_post_closed_by_another_process_is_closed_for_the_next_click():
    async with (
        fresh_schema() as url,
        await PostgresStore.open(url) as here,
        await PostgresStore.open(url) as there,
    ):
        post = await here.create_post(
            guild_id=1,
            channel_id=2,
            exercise_id="demo/three-blanks",
            content_hash="h",
            difficulty=Difficulty.MEDIUM,
            context=PostContext.PRACTICE,
            attempt_limit=3,
            posted_at=NOON,
        )
        assert await here.servers.closed_at(post.post_id) is None
        assert (await here.get_post(post.post_id)) == post

        await there.servers.close_post(post.post_id, Audit(1, 9, "close", "post", NOON))
        moved = await there.set_post_message(post.post_id, 555)

        assert await here.servers.closed_at(post.post_id) == NOON
        assert await here.get_post(post.post_id) == moved
        assert await here.get_post(post.post_id + 1) is None
