"""A started EchoBot (tests/sandbox/echo_bot.py) with its commands synced to the scene's guild."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from bot.sandbox import DEFAULT_TOKEN, LoopbackDiscord
from tests.loopback_fixtures import LoggedErrors, Scene
from tests.sandbox.echo_bot import EchoBot, Misbehave


@pytest.fixture
def misbehave() -> Misbehave:
    return Misbehave()


async def start_bot(loopback: LoopbackDiscord, scene: Scene, misbehave: Misbehave) -> EchoBot:
    bot = EchoBot(misbehave=misbehave)
    bot.runner = asyncio.create_task(bot.start(DEFAULT_TOKEN))  # type: ignore[attr-defined]
    await asyncio.wait_for(bot.wait_until_ready(), 5)
    return bot


async def stop_bot(bot: EchoBot) -> None:
    await bot.close()
    await bot.runner  # type: ignore[attr-defined]


@pytest.fixture
async def echo_bot(
    loopback: LoopbackDiscord, scene: Scene, misbehave: Misbehave
) -> AsyncIterator[EchoBot]:
    bot = await start_bot(loopback, scene, misbehave)
    guild = discord.Object(scene.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    try:
        yield bot
    finally:
        await stop_bot(bot)


@pytest.fixture(autouse=True)
def _errors_fail_tests(logged_errors: LoggedErrors) -> LoggedErrors:
    return logged_errors
