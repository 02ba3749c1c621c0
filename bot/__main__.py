"""`python -m bot`: wiring only. Settings -> catalog -> store -> bot; `python -m bot sync`;
`python -m bot backup PATH`; `python -m bot migrate-to URL`; `python -m bot items [--csv]`.

The one place that reads the settings (`.env` and the environment, through the shared
registry in `config`) and builds everything; nothing is built at import. Whatever stops it at
start is one line on stderr naming the setting to fix, and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import aiohttp
import discord
import httpx

from bot import heap, logs, metrics
from bot.app import TutorBot
from bot.clock import AheadClock, Clock, SystemClock
from bot.command_sync import sync_if_changed
from bot.discord_target import point_discord_at
from bot.gateway_start import GatewayUnreachable
from bot.health import Health, serving_health
from bot.moderation import items
from bot.practice.run_it import ExampleRunner
from bot.practice.tutor_client import TutorClient, TutorServiceError
from bot.settings import Settings, SettingsError
from bot.store import DatabaseUnusable, StoreError
from bot.store.backup import backup
from bot.store.copy_to_postgres import copy_to_postgres
from bot.store.location import BadDatabaseUrl, PostgresUrl, parse_location
from bot.store.store import TutorStore
from config import read_environment, redact_url
from exercises import Catalog, ContentError, load_catalog

log = logging.getLogger("bot")
RUN_WAIT_MARGIN = 2.0
"""Seconds the bot waits for a run beyond the service's run timeout: the service waits that
much past the timeout for its worker's verdict (tutor/pool.py's GRACE)."""


def read_settings(environ: Mapping[str, str] | None = None, *, need_token: bool = True) -> Settings:
    """The environment wins over `.env`, so a deployment can override a developer's file."""
    return Settings.from_environment(read_environment(environ), need_token=need_token)


def tutor_client(http: httpx.AsyncClient, settings: Settings) -> TutorClient:
    secret = settings.tutor_secret.reveal() if settings.tutor_secret else None
    return TutorClient(
        http, settings.tutor_url, timeout=settings.tutor_timeout_seconds, secret=secret
    )


def bot_clock(days_ahead: float) -> Clock:
    """The system clock; in the sandbox, perhaps moved ahead (`--days-ahead`)."""
    return AheadClock(SystemClock(), timedelta(days=days_ahead)) if days_ahead else SystemClock()


async def run(settings: Settings, *, preview: bool = False, days_ahead: float = 0) -> None:
    point_discord_at(api_base=settings.discord_api_base, gateway_url=settings.discord_gateway_url)
    catalog = load_catalog(settings.exercises_path)
    store = await TutorStore.open(settings.database, on_write=metrics.STORE_WRITE_SECONDS.observe)
    http = httpx.AsyncClient()
    try:
        tutor = tutor_client(http, settings)
        await warn_if_tutor_missing(tutor)
        bot = TutorBot(
            store=store,
            catalog=catalog,
            clock=bot_clock(days_ahead),
            runner=ExampleRunner(tutor),
            counter_edit_seconds=settings.counter_edit_seconds,
            preview=preview,
            quiz_grace=timedelta(minutes=settings.quiz_grace_minutes),
            shard_count=settings.shard_count,
            shard_ids=settings.shard_ids,
        )
        stopping: list[asyncio.Task[None]] = []  # a reference, so the task is not collected

        def stop() -> None:
            if not stopping:
                log.info("stopping: answering the interactions in flight first")
                stopping.append(asyncio.create_task(bot.close(), name="stop-on-signal"))

        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(stop_signal, stop)
        async with bot, serving_health_if_asked(bot, store, settings):
            exercises, packs = len(catalog.exercises), len(catalog.packs)
            log.info("starting with %d exercises in %d packs", exercises, packs)
            heap.freeze_startup()
            await bot.start(settings.discord_token.reveal())
        await asyncio.gather(*stopping)
    finally:  # the writer commits every queued write before the file is closed
        await http.aclose()
        await store.close()


@asynccontextmanager
async def serving_health_if_asked(
    bot: TutorBot, store: TutorStore, settings: Settings
) -> AsyncIterator[None]:
    """/health and /metrics on HEALTH_PORT, if set."""
    if settings.health_port is None:
        yield
        return
    metrics.watch_gateway_latency(lambda: bot.latency)
    health = Health(lambda: bot.connected, store.check_writable)
    async with serving_health(health, settings.health_host, settings.health_port) as port:
        log.info("health and metrics on http://%s:%d/", settings.health_host, port)
        yield


async def warn_if_tutor_missing(tutor: TutorClient) -> None:
    """The bot works without the tutor service; only "Run it" needs it."""
    url = redact_url(tutor.base_url)
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
        if tutor.timeout < health.run_timeout + RUN_WAIT_MARGIN:
            log.warning(
                "TUTOR_TIMEOUT_SECONDS=%g is shorter than the tutor service's "
                "TUTOR_RUN_TIMEOUT=%g plus %g s: a slow run will read as unavailable; "
                "raise TUTOR_TIMEOUT_SECONDS to at least %g",
                tutor.timeout,
                health.run_timeout,
                RUN_WAIT_MARGIN,
                health.run_timeout + RUN_WAIT_MARGIN,
            )


async def sync(settings: Settings, guild_id: int | None, *, preview: bool = False) -> None:
    """Register the slash commands with Discord now: globally, or on one server (instant).

    The bot also syncs globally at start by itself, when its commands changed.
    """
    point_discord_at(api_base=settings.discord_api_base, gateway_url=settings.discord_gateway_url)
    catalog = load_catalog(settings.exercises_path)
    store = await TutorStore.open(settings.database, on_write=metrics.STORE_WRITE_SECONDS.observe)
    try:
        clock = SystemClock()
        bot = TutorBot(
            store=store,
            catalog=catalog,
            clock=clock,
            sync_commands_at_start=False,
            run_quizzes=False,
            preview=preview,
        )
        async with bot:
            await bot.login(settings.discord_token.reveal())
            guild = discord.Object(guild_id) if guild_id else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await sync_if_changed(bot.tree, store, clock.now(), guild=guild, force=True)
            assert synced is not None, "a forced sync always syncs"
            where = f"server {guild_id}" if guild_id else "all servers (may take an hour to show)"
            print(f"synced {len(synced)} commands to {where}: {', '.join(c.name for c in synced)}")
    finally:
        await store.close()


def _parser() -> argparse.ArgumentParser:
    """The command line: the bot's options and its subcommands."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Discord tutor bot.")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="also offer /preview, the sandbox's command for content authors (it lets anyone "
        "post any exercise: not for a real server)",
    )
    parser.add_argument(
        "--days-ahead",
        type=float,
        default=0,
        help="the sandbox only (with --preview): run the bot's clock this many days ahead, "
        "so that what is due tomorrow (a missed exercise in /review) is due now",
    )
    commands = parser.add_subparsers(dest="command")
    sync_parser = commands.add_parser("sync", help="register the slash commands with Discord")
    sync_parser.add_argument("--guild", type=int, help="a server id: register there only")
    backup_parser = commands.add_parser(
        "backup", help="copy the database consistently, even while the bot runs"
    )
    backup_parser.add_argument("path", type=Path, help="the file to write the copy to")
    migrate_parser = commands.add_parser(
        "migrate-to", help="copy the SQLite database into an empty PostgreSQL database"
    )
    migrate_parser.add_argument("url", help="postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
    items_parser = commands.add_parser(
        "items", help="for authors: how each exercise fares on every server, with its flags"
    )
    items_parser.add_argument("--csv", action="store_true", help="CSV on stdout, one header")
    items_parser.add_argument("--pack", help="one pack only (default: every pack)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.days_ahead and not arguments.preview:
        parser.error("--days-ahead is for the sandbox only: it needs --preview")
    try:
        settings = read_settings(
            need_token=arguments.command not in ("backup", "migrate-to", "items")
        )
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)  # before LOG_FORMAT is known to be good
        return 2
    logs.configure(settings.log_level, settings.log_format)
    try:
        if arguments.command == "backup":
            if settings.database_url is not None:
                return _failed(
                    "backup copies the SQLite file; for PostgreSQL (DATABASE_URL) use pg_dump",
                    settings,
                )
            backup(settings.database_path, arguments.path)
            print(f"backed up {settings.database_path} to {arguments.path}")
        elif arguments.command == "migrate-to":
            return migrate_to(settings, arguments.url)
        elif arguments.command == "items":
            return show_items(settings, arguments.pack, as_csv=arguments.csv)
        elif arguments.command == "sync":
            asyncio.run(sync(settings, arguments.guild, preview=arguments.preview))
        else:
            asyncio.run(run(settings, preview=arguments.preview, days_ahead=arguments.days_ahead))
    except DatabaseUnusable as error:
        setting = "DATABASE_URL" if settings.database_url is not None else "DATABASE_PATH"
        return _failed(f"{error} ({setting})", settings)
    except (ContentError, StoreError) as error:
        return _failed(str(error), settings)
    except discord.LoginFailure:
        return _failed("Discord refused DISCORD_TOKEN; copy the bot's token again", settings)
    except aiohttp.ClientConnectionError as error:
        return _failed(unreachable(error), settings)
    except GatewayUnreachable as error:
        return _failed(str(error), settings)
    return 0


def migrate_to(settings: Settings, url: str) -> int:
    """Copy DATABASE_PATH's rows into the PostgreSQL database at `url`, and check them."""
    if settings.database_url is not None:
        return _failed(
            "migrate-to copies the SQLite file of DATABASE_PATH; unset DATABASE_URL", settings
        )
    try:
        target = parse_location(url)
    except BadDatabaseUrl as error:
        return _failed(str(error), settings)
    if not isinstance(target, PostgresUrl):
        return _failed(f"migrate-to needs a postgresql:// URL, not {url!r}", settings)
    try:
        copied = asyncio.run(copy_to_postgres(settings.database_path, target))
    except DatabaseUnusable as error:  # names the URL without its password
        return _failed(f"{error} (the URL given to migrate-to)", settings)
    for table in copied:
        print(f"{table.name}: {table.rows} rows copied, contents checked")
    print(f"copied {settings.database_path} to {target}; now set DATABASE_URL to it")
    return 0


def show_items(settings: Settings, pack: str | None, *, as_csv: bool) -> int:
    """Print every pack's item analytics (or one pack's), read from the bot's database."""
    catalog = load_catalog(settings.exercises_path)
    if pack is not None and pack not in catalog.packs:
        return _failed(f"no pack {pack!r}; the packs are: {', '.join(catalog.packs)}", settings)
    if isinstance(settings.database, Path) and not settings.database.exists():
        return _failed(  # a report reads the bot's database; it never creates one
            f"no database at {settings.database}: set DATABASE_PATH (or DATABASE_URL) to the bot's",
            settings,
        )
    print(
        asyncio.run(_items_text(settings, catalog, [pack] if pack else list(catalog.packs), as_csv))
    )
    return 0


async def _items_text(settings: Settings, catalog: Catalog, packs: list[str], as_csv: bool) -> str:
    store = await TutorStore.open(settings.database)
    try:
        found = [(pack, await items.pack_items(store, catalog, pack)) for pack in packs]
    finally:
        await store.close()
    if as_csv:
        return items.as_csv([item for _, pack_items in found for item in pack_items]).rstrip("\n")
    return "\n\n".join(
        f"{pack}\n{items.as_table(pack_items) if pack_items else '(never posted)'}"
        for pack, pack_items in found
    )


def unreachable(error: Exception) -> str:
    """One line for a Discord that cannot be reached: where, why, and which setting moves it."""
    address = redact_url(discord.http.Route.BASE)
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return (
        f"could not reach Discord at {address} ({reason}); check the network, "
        "or DISCORD_API_BASE if it is set"
    )


def _failed(message: str, settings: Settings) -> int:
    """A plain `error: ...` line, or in JSON mode a log record like every other line."""
    if settings.log_format == "json":
        log.error(message)
    else:
        print(f"error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
