"""Opening the database file and bringing its schema up to date with numbered migrations.

Migrations are `migrations/NNNN_name.sql`, shipped as package data, applied in one
transaction with PRAGMA user_version recording the last one. This module never deletes,
recreates or overwrites a file it cannot use: it says which path and what to do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.store.backup import backup_before_migration
from bot.store.errors import (
    DatabaseFromNewerVersion,
    DatabaseNotWritable,
    DatabaseUnusable,
    NotATutorDatabase,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
LOOKUP_BUSY_TIMEOUT_MS = 100
"""How long a write waits for another process's lock (e.g. two bots overlapping in a deploy)."""

_FILE_NAME = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def shipped_migrations(backend: str = "") -> list[Migration]:
    """The migrations in bot/store/migrations (SQLite's) or in its subfolder `backend`
    (e.g. "postgresql"), in order; numbering must have no gaps."""
    folder = resources.files("bot.store").joinpath("migrations")
    if backend:
        folder = folder.joinpath(backend)
    migrations = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.fullmatch(entry.name)
        if match is None:
            raise RuntimeError(f"migration {entry.name} is not named like 0001_what_it_does.sql")
        version = int(match["version"])
        migrations.append(Migration(version, match["name"], entry.read_text(encoding="utf-8")))
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(migrations) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3... without gaps: {versions}")
    return migrations


def statements(sql: str) -> Iterator[str]:
    """Split a script into statements, keeping semicolons inside triggers and strings."""
    pending = ""
    *pieces, tail = sql.split(";")
    for piece in pieces:
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _has_sql(pending):
                yield pending.strip()
            pending = ""
    if _has_sql(pending + tail):
        raise ValueError(f"migration ends with an unfinished statement: {pending + tail!r}")


def _has_sql(text: str) -> bool:
    lines = (line.strip().strip(";").strip() for line in text.splitlines())
    return any(line and not line.startswith("--") for line in lines)


async def connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    """Open `path` with the store's settings (busy timeout, foreign keys, Row rows).

    Autocommit mode (isolation_level=None): transactions are begun and ended explicitly.
    Opening writes nothing; see `open_for_writing` for the writer's connection.
    """
    # Probe with plain sqlite3 first: when aiosqlite fails to open, its worker thread
    # outlives the call and may report to an event loop that is already closed.
    await asyncio.to_thread(_probe, path)
    try:
        connection = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise _unusable(path, error) from error
    try:
        connection.row_factory = sqlite3.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA foreign_keys = ON")
        if read_only:
            await connection.execute("PRAGMA query_only = ON")
    except BaseException:
        await connection.close()
        raise
    return connection


def connect_for_lookups(path: Path) -> sqlite3.Connection:
    """A read-only plain connection for lookups by primary key, made on the event loop itself.

    In WAL mode a reader never waits for the writer; a short busy timeout bounds the rare wait
    (the WAL index being rebuilt after a crash) so the loop cannot stall for long.
    """
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {LOOKUP_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA query_only = ON")
    return connection


async def open_for_writing(
    path: Path, migrations: Sequence[Migration] | None = None
) -> aiosqlite.Connection:
    """The writer's connection: refuse a file that is not ours, back up one that needs a
    migration (see bot.store.backup), then WAL, then migrate.

    The checks run before anything is written, so a refused file is left byte for byte.
    """
    if migrations is None:
        migrations = shipped_migrations()
    _refuse_if_a_folder(path)
    _make_its_folder(path)
    _refuse_if_read_only(path)
    connection = await connect(path)
    try:
        version = await _refuse_if_not_ours(connection, path, migrations)
        if 0 < version < (migrations[-1].version if migrations else 0):
            saved = await asyncio.to_thread(backup_before_migration, path, version)
            log.info("backed up %s to %s before upgrading its schema", path, saved)
        async with connection.execute("PRAGMA journal_mode = WAL") as cursor:
            row = await cursor.fetchone()
        if row is None or str(row[0]).lower() != "wal":
            raise DatabaseNotWritable(
                path,
                "SQLite could not switch it to write-ahead logging",
                "Put the database on a local disk that the bot may write to",
            )
        await connection.execute("PRAGMA synchronous = NORMAL")
        await migrate(connection, path, migrations)
    except BaseException as error:
        await connection.close()
        if isinstance(error, sqlite3.Error) and _is_about_the_file(error):
            raise _unusable(path, error) from error
        raise
    return connection


async def migrate(
    connection: aiosqlite.Connection,
    path: Path,
    migrations: Sequence[Migration] | None = None,
) -> int:
    """Apply the migrations newer than the file's version, all in one transaction.

    Returns the version the database is at afterwards. Either every pending migration is
    applied and recorded, or none is. The version is read again inside the transaction, in
    case another process migrated the file in the meantime.
    """
    if migrations is None:
        migrations = shipped_migrations()
    latest = migrations[-1].version if migrations else 0
    await connection.execute("BEGIN IMMEDIATE")
    try:
        version = await _refuse_if_not_ours(connection, path, migrations)
        for migration in migrations:
            if migration.version > version:
                for statement in statements(migration.sql):
                    await connection.execute(statement)
        if latest > version:
            await connection.execute(f"PRAGMA user_version = {latest:d}")
        await connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        raise
    return max(version, latest)


async def _refuse_if_not_ours(
    connection: aiosqlite.Connection, path: Path, migrations: Sequence[Migration]
) -> int:
    """The file's schema version, if this bot can use the file; reads, never writes."""
    latest = migrations[-1].version if migrations else 0
    version = await _user_version(connection)
    if version > latest:
        raise DatabaseFromNewerVersion(
            path,
            f"its schema is version {version}, newer than this bot's {latest}",
            "Run a bot release at least as new as the one that wrote it, "
            "or point this one at another file; the file was left unchanged",
        )
    if version == 0 and await _has_tables(connection):
        raise NotATutorDatabase(
            path,
            "it is an SQLite database but has tables and no tutor schema version",
            "Point the bot at a new file or at its own database; this one was left unchanged",
        )
    return version


def _probe(path: Path) -> None:
    try:
        sqlite3.connect(path).close()
    except sqlite3.Error as error:
        raise _unusable(path, error) from error


def _refuse_if_a_folder(path: Path) -> None:
    if path.is_dir():
        raise DatabaseNotWritable(
            path,
            "it is a folder, not a file",
            f"Point the bot at a file, e.g. {path / 'tutor.sqlite3'}",
        )


def _make_its_folder(path: Path) -> None:
    """A first run has no data/ folder yet: create the database's folder, never the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseNotWritable(
            path,
            f"its folder {path.parent} cannot be created ({error.strerror or error})",
            "Create the folder, or point the bot at a path it may write to",
        ) from None


def _refuse_if_read_only(path: Path) -> None:
    # SQLite would open it and fail only at the first answer, so say it at start.
    if path.is_file() and not os.access(path, os.W_OK):
        raise DatabaseNotWritable(
            path,
            "the file is read-only for this user",
            "Give the bot write access to the file and its folder, or point it at a copy",
        )


async def _user_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def _has_tables(connection: aiosqlite.Connection) -> bool:
    async with connection.execute("SELECT count(*) FROM sqlite_schema") as cursor:
        row = await cursor.fetchone()
    return row is not None and int(row[0]) > 0


_FILE_PROBLEMS = ("not a database", "readonly", "unable to open", "disk I/O", "malformed")


def _is_about_the_file(error: sqlite3.Error) -> bool:
    """Errors that say the file is unusable, as opposed to a bug in a statement."""
    return any(problem in str(error) for problem in _FILE_PROBLEMS)


def _unusable(path: Path, error: sqlite3.Error) -> DatabaseUnusable:
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return NotATutorDatabase(
            path,
            "the file is not an SQLite database"
            if "not a database" in message
            else f"SQLite reports it damaged ({message})",
            "Point the bot at its own database file or at a path where none exists yet; "
            "this file was left unchanged",
        )
    return DatabaseNotWritable(
        path,
        f"SQLite says {message!r}",
        "Check that the folder exists and that the bot may write to the file, its "
        "folder, and the -wal and -shm files beside it",
    )
