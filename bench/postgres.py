"""The clicks benchmark's database on PostgreSQL: a schema of its own on the server given,
created for the run and dropped after it, so the bot starts on an empty database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import psycopg


@asynccontextmanager
async def fresh_schema(server_url: str) -> AsyncIterator[str]:
    """A URL whose connections see only a new, empty schema (dropped afterwards)."""
    schema = f"bench_{uuid.uuid4().hex[:16]}"
    async with await psycopg.AsyncConnection.connect(server_url, autocommit=True) as admin:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            options = quote(f"-c search_path={schema}")
            yield f"{server_url}{'&' if '?' in server_url else '?'}options={options}"
        finally:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


async def count_attempts(url: str) -> int:
    async with await psycopg.AsyncConnection.connect(url) as db:
        cursor = await db.execute("SELECT count(*) FROM attempts")
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
