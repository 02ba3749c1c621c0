"""Which store implementations the contract suite runs against: SQLite (a copy of a new
store, tests/store_template.py), and PostgreSQL in a schema of its own per test
(tests/postgres.py; skipped, with one line saying how to enable it, where no PostgreSQL
answers).

To add one, add a Backend and list it in BACKENDS; every test in test_contract.py and
test_servers.py then runs against it too.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from bot.store import TutorStore
from bot.store.location import PostgresUrl
from tests.postgres import fresh_schema
from tests.store_template import new_sqlite_store


class Backend(Protocol):
    async def open(self) -> TutorStore:
        """Open the same storage each time, so a test can close and reopen it."""
        ...

    @property
    def location(self) -> str:
        """What DATABASE_URL would say, for a test that starts another process on it."""
        ...


@dataclass
class SqliteBackend:
    path: Path

    async def open(self) -> TutorStore:
        return await TutorStore.open(self.path)

    @property
    def location(self) -> str:
        return str(self.path)


@dataclass
class PostgresBackend:
    url: PostgresUrl

    async def open(self) -> TutorStore:
        return await TutorStore.open(self.url, pool_size=4)

    @property
    def location(self) -> str:
        return self.url.secret()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def backend(request, tmp_path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        yield SqliteBackend(await new_sqlite_store(tmp_path / "tutor.sqlite3"))
        return
    async with fresh_schema() as url:
        yield PostgresBackend(url)


@pytest.fixture
async def store(backend) -> AsyncIterator[TutorStore]:
    opened = await backend.open()
    try:
        yield opened
    finally:
        await opened.close()
