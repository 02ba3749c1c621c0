"""A clean PostgreSQL schema per test, on the server named by TUTOR_TEST_POSTGRES_URL.

Without a server answering there, the tests that need one skip with one line saying how to
enable them; under CI=true that skip fails the run (tests/conftest.py), and .ci/run starts
PostgreSQL and sets the URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from urllib.parse import quote

import psycopg
import pytest

from bot.store.location import PostgresUrl

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("TUTOR_TEST_POSTGRES_URL") or DEFAULT_URL


@cache
def _unreachable() -> str | None:
    """Why no PostgreSQL answers (None when one does); asked once per test run."""
    try:
        with psycopg.connect(server_url(), connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return first
    return None


def why_not_enabled() -> str | None:
    """One line: why the PostgreSQL tests cannot run here and how to enable them."""
    problem = _unreachable()
    if problem is None:
        return None
    return (
        f"no server answers at {PostgresUrl(server_url())} ({problem}); start one, or set "
        "TUTOR_TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DATABASE"
    )


def require_postgres() -> None:
    why = why_not_enabled()
    if why is not None:
        pytest.skip("PostgreSQL tests: " + why)


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[PostgresUrl]:
    """A URL whose connections see only a new, empty schema, dropped afterwards."""
    require_postgres()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    async with await psycopg.AsyncConnection.connect(server_url(), autocommit=True) as admin:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield schema_url(schema)
        finally:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def schema_url(schema: str) -> PostgresUrl:
    url = server_url()
    options = quote(f"-c search_path={schema}")
    return PostgresUrl(f"{url}{'&' if '?' in url else '?'}options={options}")
