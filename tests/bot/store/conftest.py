"""Which store implementations the contract suite runs against.

To add one (PostgreSQL, say), add a Backend and list it in BACKENDS; every test in
test_contract.py then runs against it too.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from bot.store import SqliteStore, Store


class Backend(Protocol):
    async def open(self) -> Store:
        """Open the same storage each time, so a test can close and reopen it."""
        ...


@dataclass
class SqliteBackend:
    path: Path

    async def open(self) -> Store:
        return await SqliteStore.open(self.path)


BACKENDS = {
    "sqlite": lambda tmp_path: SqliteBackend(tmp_path / "tutor.sqlite3"),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request, tmp_path) -> Backend:
    return BACKENDS[request.param](tmp_path)


@pytest.fixture
async def store(backend) -> AsyncIterator[Store]:
    opened = await backend.open()
    try:
        yield opened
    finally:
        await opened.close()
