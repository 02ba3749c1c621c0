"""Bringing a PostgreSQL database's schema up to date with numbered migrations.

The same numbering as SQLite's (bot/store/migrations/postgresql/NNNN_name.sql mirror
bot/store/migrations/NNNN_name.sql), so schema version N means the same tables on both.
The version is a row in `tutor_schema`; migrations run in one transaction holding a
PostgreSQL advisory lock, so two processes starting at once migrate once. A database
newer than the code, or a schema holding someone else's tables, is refused unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from bot.store.errors import DatabaseFromNewerVersion, NotATutorDatabase
from bot.store.location import PostgresUrl
from bot.store.schema import Migration, shipped_migrations

BACKEND = "postgresql"
_MIGRATION_LOCK = 0x7475746F72  # "tutor": an advisory lock id, held while migrating

_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS tutor_schema (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   integer NOT NULL
)
"""


def postgres_migrations() -> list[Migration]:
    return shipped_migrations(BACKEND)


async def migrate(
    connection: psycopg.AsyncConnection[object],
    url: PostgresUrl,
    migrations: Sequence[Migration] | None = None,
) -> int:
    """Apply the migrations newer than the database's version, all or none; returns the
    version afterwards. `connection` is in autocommit mode."""
    if migrations is None:
        migrations = postgres_migrations()
    latest = migrations[-1].version if migrations else 0
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        version = await _refuse_if_not_ours(connection, url, latest)
        if version >= latest:
            return version
        await connection.execute(_VERSION_TABLE)
        for migration in migrations:
            if migration.version > version:
                await connection.execute(sql.SQL(migration.sql))  # type: ignore[arg-type,unused-ignore]
        await connection.execute(
            "INSERT INTO tutor_schema (version) VALUES (%(v)s)"
            " ON CONFLICT (only_row) DO UPDATE SET version = %(v)s",
            {"v": latest},
        )
    return latest


async def schema_version(connection: psycopg.AsyncConnection[object]) -> int:
    """0 for a schema without our version table."""
    cursor = await connection.execute("SELECT to_regclass('tutor_schema') IS NOT NULL")
    row = await cursor.fetchone()
    if row is None or not _first(row):
        return 0
    cursor = await connection.execute("SELECT version FROM tutor_schema")
    row = await cursor.fetchone()
    return int(_first(row)) if row is not None else 0


async def _refuse_if_not_ours(
    connection: psycopg.AsyncConnection[object], url: PostgresUrl, latest: int
) -> int:
    version = await schema_version(connection)
    if version > latest:
        raise DatabaseFromNewerVersion(
            url,
            f"its schema is version {version}, newer than this bot's {latest}",
            "Run a bot release at least as new as the one that wrote it, "
            "or point DATABASE_URL at another database; it was left unchanged",
        )
    if version == 0:
        cursor = await connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        row = await cursor.fetchone()
        if row is not None and int(_first(row)) > 0:
            raise NotATutorDatabase(
                url,
                "its schema has tables but no tutor schema version",
                "Point DATABASE_URL at an empty database (or schema) or at the bot's own; "
                "this one was left unchanged",
            )
    return version


def _first(row: object) -> Any:
    """The first column of a row from a tuple or a dict row factory."""
    if isinstance(row, dict):
        return next(iter(row.values()))
    assert isinstance(row, tuple)
    return row[0]
