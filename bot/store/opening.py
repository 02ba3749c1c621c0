"""Opening the store where the settings say it lives: an SQLite file or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from bot.store.location import Location
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore

OpenedStore = SqliteStore | PostgresStore
"""Either implementation of bot.store.Store; both also have check_writable() for /health."""


async def open_store(location: Location) -> OpenedStore:
    """Open (creating or migrating as needed) the store at `location`; raises
    DatabaseUnusable naming the file, or the URL without its password, and what to do."""
    if isinstance(location, Path):
        return await SqliteStore.open(location)
    return await PostgresStore.open(location)
