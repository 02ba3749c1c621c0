"""`python -m bot`: wiring only. Settings -> catalog -> store -> bot; `python -m bot sync`.

The one place that reads the environment and builds everything; nothing is built at import.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import timedelta

import discord
import httpx
from dotenv import dotenv_values

from bot.app import TutorBot
from bot.clock import SystemClock
from bot.discord_target import point_discord_at
from bot.run_it import ExampleRunner
from bot.settings import Settings, SettingsError
from bot.store import SqliteStore, StoreError
from bot.tutor_client import TutorClient, TutorServiceError
from exercises import ContentError, load_catalog

log = logging.getLogger("bot")


def read_settings(*, need_token: bool = True) -> Settings:
    """The environment wins over `.env`, so a deployment can override a developer's file."""
    env = {key: value for key, value in dotenv_values(".env").items() if value is not None}
    env.update(os.environ)
    return Settings.from_environment(env, need_token=need_token)


async def run(settings: Settings) -> None:
    point_discord_at(api_base=settings.discord_api_base, gateway_url=settings.discord_gateway_url)
    catalog = load_catalog(settings.exercises_path)
    store = await SqliteStore.open(settings.database_path)
    http = httpx.AsyncClient()
    try:
        tutor = TutorClient(http, settings.tutor_url, timeout=settings.tutor_timeout_seconds)
        await warn_if_tutor_missing(tutor, settings.tutor_url)
        bot = TutorBot(
            store=store,
            catalog=catalog,
            clock=SystemClock(),
            runner=ExampleRunner(tutor),
            counter_edit_seconds=settings.counter_edit_seconds,
            quiz_grace=timedelta(minutes=settings.quiz_grace_minutes),
        )
        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(stop_signal, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            exercises, packs = len(catalog.exercises), len(catalog.packs)
            log.info("starting with %d exercises in %d packs", exercises, packs)
            await bot.start(settings.discord_token)
    finally:
        await http.aclose()
        await store.close()


async def warn_if_tutor_missing(tutor: TutorClient, url: str) -> None:
    """The bot works without the tutor service; only "Run it" needs it."""
    try:
        health = await tutor.health()
    except TutorServiceError as error:  # down, or something else answering at that address
        log.warning(
            "the tutor service at %s is not answering (%s); Run it will say so until it does",
            url,
            error,
        )
    else:
        log.info("tutor service at %s: %d exercises", url, health.exercises)


async def sync(settings: Settings, guild_id: int | None) -> None:
    """Register the slash commands with Discord: globally, or on one server (instant)."""
    point_discord_at(api_base=settings.discord_api_base, gateway_url=settings.discord_gateway_url)
    catalog = load_catalog(settings.exercises_path)
    store = await SqliteStore.open(settings.database_path)
    try:
        bot = TutorBot(store=store, catalog=catalog, clock=SystemClock(), run_quizzes=False)
        async with bot:
            await bot.login(settings.discord_token)
            guild = discord.Object(guild_id) if guild_id else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            where = f"server {guild_id}" if guild_id else "all servers (may take an hour to show)"
            print(f"synced {len(synced)} commands to {where}: {', '.join(c.name for c in synced)}")
    finally:
        await store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Discord tutor bot.")
    commands = parser.add_subparsers(dest="command")
    sync_parser = commands.add_parser("sync", help="register the slash commands with Discord")
    sync_parser.add_argument("--guild", type=int, help="a server id: register there only")
    arguments = parser.parse_args(argv)
    try:
        settings = read_settings()
        logging.basicConfig(
            level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per tutor request
        if arguments.command == "sync":
            asyncio.run(sync(settings, arguments.guild))
        else:
            asyncio.run(run(settings))
    except (SettingsError, ContentError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except discord.LoginFailure:
        print("error: Discord refused DISCORD_TOKEN; copy the bot's token again", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
