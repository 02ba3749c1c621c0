"""A gateway that cannot be reached at start: retried with growing waits on the bot's clock,
one line each and no traceback, then one clear error; never discord.py's endless retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord
import pytest
import yarl

from bot.app import TutorBot
from bot.gateway_start import WAITS, GatewayUnreachable, wait_for_gateway
from bot.sandbox import LoopbackDiscord
from bot.store import TutorStore
from tests.clock import ManualClock
from tests.e2e.bots import e2e_catalog
from tests.loopback_fixtures import Scene
from tests.processes import closed_port


class GatewayLines(logging.Handler):
    """The lines bot.gateway_start logs, awaitable: one per failed attempt but the last."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self._logged = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._logged.set()

    async def wait_for(self, count: int, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while len(self.records) < count:
                self._logged.clear()
                await self._logged.wait()


@pytest.fixture
def gateway_lines() -> Iterator[GatewayLines]:
    handler = GatewayLines()
    logger = logging.getLogger("bot.gateway_start")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@asynccontextmanager
async def starting_bot(
    loopback: LoopbackDiscord, clock: ManualClock, database: Path
) -> AsyncIterator[tuple[TutorBot, asyncio.Task[None]]]:
    """A bot logging in through the loopback; one shard, so it opens DEFAULT_GATEWAY."""
    async with await TutorStore.open(database) as store:
        bot = TutorBot(
            store=store,
            catalog=e2e_catalog(),
            clock=clock,
            guild_ready_timeout=0.01,
            run_quizzes=False,
            shard_count=1,
        )
        starting = asyncio.create_task(bot.start(loopback.token))
        try:
            yield bot, starting
        finally:
            await bot.close()
            await asyncio.gather(starting, return_exceptions=True)


@pytest.fixture
def unreachable_gateway(monkeypatch: pytest.MonkeyPatch) -> yarl.URL:
    """DISCORD_GATEWAY_URL pointing where nothing listens (REST still the loopback)."""
    url = yarl.URL(f"ws://127.0.0.1:{closed_port()}/gateway")
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", url)
    return url


async def test_an_unreachable_gateway_is_retried_with_growing_waits_then_named(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    unreachable_gateway: yarl.URL,
    gateway_lines: GatewayLines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        async with starting_bot(loopback, manual_clock, tmp_path / "db.sqlite3") as (_, start):
            for failed, wait in enumerate(WAITS, start=1):
                await gateway_lines.wait_for(failed)
                await manual_clock.advance(wait)
            with pytest.raises(GatewayUnreachable) as raised:
                await asyncio.wait_for(start, 5)

    assert str(raised.value) == (
        f"could not reach Discord's gateway at {unreachable_gateway} in 9 attempts over "
        f"120 s (last: Connect call failed ('127.0.0.1', {unreachable_gateway.port})); "
        "check the network, or DISCORD_GATEWAY_URL if it is set"
    )
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 8  # one per failed attempt before the last, and no traceback
    assert all(r.name == "bot.gateway_start" and r.exc_info is None for r in lines)
    assert lines[0].getMessage().endswith("attempt 1 of 9, the next in 1 s")
    assert lines[-1].getMessage().endswith("attempt 8 of 9, the next in 30 s")


async def test_a_stop_while_waiting_for_the_gateway_ends_the_start_at_once(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    unreachable_gateway: yarl.URL,
    gateway_lines: GatewayLines,
) -> None:
    async with starting_bot(loopback, manual_clock, tmp_path / "db.sqlite3") as (bot, start):
        await gateway_lines.wait_for(1)
        await asyncio.wait_for(bot.close(), 5)
        await asyncio.wait_for(start, 5)  # returned, not raised: a stop is not a failure

    assert bot.is_closed()


async def test_a_gateway_that_comes_back_is_connected_to_after_its_waits() -> None:
    clock = ManualClock()
    refusals = [ConnectionRefusedError(111, "Connection refused")] * 2
    probed = asyncio.Queue[None]()

    async def probe(url: yarl.URL) -> None:
        probed.put_nowait(None)
        if refusals:
            raise refusals.pop()

    waiting = asyncio.create_task(
        wait_for_gateway(yarl.URL("ws://gateway.invalid"), clock, probe=probe)
    )
    for wait in WAITS[:2]:
        await asyncio.wait_for(probed.get(), 5)  # an attempt failed; its wait begins
        await clock.advance(wait)

    await asyncio.wait_for(waiting, 5)  # returned: reached on the third attempt
    assert refusals == []
    assert probed.qsize() == 1
