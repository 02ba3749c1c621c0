"""Opening the store where the settings say it lives: an SQLite file or PostgreSQL."""

from __future__ import annotations

from bot.store.location import Location
from bot.store.store import TutorStore, WriteTimer


async def open_store(location: Location, *, on_write: WriteTimer | None = None) -> TutorStore:
    """Open (creating or upgrading as needed) the store at `location`; raises
    DatabaseUnusable naming the file, or the URL without its password, and what to do."""
    return await TutorStore.open(location, on_write=on_write)
