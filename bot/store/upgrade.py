"""Checking a database before the store uses it, and bringing its schema to the newest
revision with the one Alembic tree (bot/store/migrations), all of it or none of it.

A database made before Alembic has no alembic_version: at schema version 5 it is stamped
at the baseline revision, then upgraded; versions 1-4 are refused with the release that
upgrades them. A revision this release does not know is a newer release's. An SQLite file
is checked (empty, damaged, someone else's) before anything is written, and backed up
before its schema changes; PostgreSQL upgrades under an advisory lock, so that two
processes starting at once upgrade once. Nothing here deletes or recreates a database.
A database already at `HEAD` opens without importing Alembic (with Mako and Pygments, ~1 s
of a start and ~25 MB).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.store.backup import backup_before_migration, newest_backup
from bot.store.errors import (
    DatabaseFromNewerVersion,
    DatabaseNotWritable,
    DatabaseUnusable,
    NotATutorDatabase,
)
from bot.store.location import PostgresUrl

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

HEAD = "0006"
"""The newest revision in migrations/versions; a test holds it to Alembic's own head."""
_ALEMBIC_VERSION = sa.table("alembic_version", sa.column("version_num"))
BASELINE = "0001"
BASELINE_VERSION = 5
_LOCK = 0x7475746F72  # "tutor": the advisory lock held while a PostgreSQL schema upgrades
_NEWER = (
    "Run a bot release at least as new as the one that wrote it, "
    "or point the bot at another database; it was left unchanged"
)
_OLDER = (
    "Start the last release without Alembic (schema version 5) on it once, which upgrades "
    "it to version 5, then this one; it was left unchanged"
)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "bot.store:migrations")
    config.attributes["connection"] = connection
    return config


def upgrade_sqlite(path: Path) -> None:
    """Refuse a file that is not ours, check it, back it up if it changes, then upgrade."""
    _refuse_unusable_file(path)
    engine = sqlite_engine(path)
    try:
        with engine.connect() as connection:
            with connection.begin():
                revision, recorded = _state(connection, path)
            if revision != HEAD and recorded:
                saved = backup_before_migration(path, recorded)
                log.info("backed up %s to %s before upgrading its schema", path, saved)
            driver = connection.connection.driver_connection
            assert driver is not None
            mode = driver.execute("PRAGMA journal_mode = WAL").fetchone()[0]  # not in a BEGIN
            if str(mode).lower() != "wal":
                raise DatabaseNotWritable(
                    path,
                    "SQLite could not switch it to write-ahead logging",
                    "Put the database on a local disk that the bot may write to",
                )
            with connection.begin():  # BEGIN IMMEDIATE (sqlite_engine): all or nothing
                revision, _ = _state(connection, path)  # another process may have upgraded
                _upgrade(connection, revision, path)
    except sa.exc.DBAPIError as error:
        raise unusable(path, error.orig) from error
    finally:
        engine.dispose()


def sqlite_engine(path: Path) -> sa.Engine:
    """pysqlite, with SQLAlchemy's documented recipe for transactions that include DDL: the
    driver's own transaction handling off, BEGIN IMMEDIATE emitted at each begin."""
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout = 5000")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_postgresql(url: PostgresUrl) -> None:
    engine = postgresql_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _LOCK})
            revision, _ = _state(connection, url)
            _upgrade(connection, revision, url)
    finally:
        engine.dispose()


def postgresql_engine(url: PostgresUrl) -> sa.Engine:
    address = sa.make_url(url.secret()).set(drivername="postgresql+psycopg")
    return sa.create_engine(address, poolclass=sa.NullPool, connect_args={"connect_timeout": 10})


def _upgrade(connection: sa.Connection, revision: str | None, where: Path | PostgresUrl) -> None:
    """Stamp a database made before Alembic at the baseline, then upgrade: inside the
    caller's transaction, so that a failure anywhere leaves the database as it was."""
    if revision == HEAD:
        return
    from alembic import command

    config = alembic_config(connection)
    try:
        if revision == "":  # made before Alembic, at version 5
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
    except Exception as error:
        raise DatabaseUnusable(
            where,
            f"upgrading its schema failed ({str(error).splitlines()[0]})",
            "It was left as it was; run the release it was made by, and report this",
        ) from error


def _state(connection: sa.Connection, where: Path | PostgresUrl) -> tuple[str | None, int]:
    """(Alembic revision: None for a new database, "" for one made before Alembic at
    version 5; the recorded schema version, 0 for a new database). Reads, never writes."""
    inspector = sa.inspect(connection)
    names = set(inspector.get_table_names())
    recorded = _recorded_version(connection, names)
    if "alembic_version" in names:
        revision = connection.execute(sa.select(_ALEMBIC_VERSION.c.version_num)).scalar()
        if revision == HEAD:
            return revision, recorded
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config())
        if revision is not None and revision not in {s.revision for s in script.walk_revisions()}:
            raise DatabaseFromNewerVersion(
                where, f"its schema is at revision {revision}, from a newer release", _NEWER
            )
        return revision, recorded
    if recorded == BASELINE_VERSION:
        return "", recorded
    if recorded > BASELINE_VERSION:
        raise DatabaseFromNewerVersion(
            where, f"its schema is version {recorded}, newer than this bot's", _NEWER
        )
    if recorded > 0:
        raise DatabaseFromNewerVersion(where, f"its schema is version {recorded}", _OLDER)
    if names - {"tutor_schema"}:
        raise NotATutorDatabase(
            where,
            "it has tables but no tutor schema version",
            "Point the bot at a new database or at its own; this one was left unchanged",
        )
    return None, 0


def _recorded_version(connection: sa.Connection, names: set[str]) -> int:
    if connection.dialect.name == "sqlite":
        return int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    if "tutor_schema" not in names:
        return 0
    return int(connection.exec_driver_sql("SELECT version FROM tutor_schema").scalar() or 0)


def _refuse_unusable_file(path: Path) -> None:
    """Checks that write nothing, in order; the file is left byte for byte if refused."""
    if path.is_dir():
        raise DatabaseNotWritable(
            path,
            "it is a folder, not a file",
            f"Point the bot at a file, e.g. {path / 'tutor.sqlite3'}",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # a first run's data/ folder
    except OSError as error:
        raise DatabaseNotWritable(
            path,
            f"its folder {path.parent} cannot be created ({error.strerror or error})",
            "Create the folder, or point the bot at a path it may write to",
        ) from None
    if not path.is_file():
        return  # a new database: created where no file exists, and only there
    if path.stat().st_size == 0:
        raise NotATutorDatabase(
            path,
            "the file is empty (0 bytes), as a botched copy or restore leaves it",
            "Restore it from a backup; if a first start that failed left it, delete it",
        )
    if not os.access(path, os.W_OK):
        raise DatabaseNotWritable(
            path,
            "the file is read-only for this user",
            "Give the bot write access to the file and its folder, or point it at a copy",
        )
    try:
        with sqlite3.connect(f"file:{path}?mode=rw", uri=True) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        connection.close()
    except sqlite3.DatabaseError as error:
        if "malformed" not in str(error):
            raise unusable(path, error) from error
        problems = [str(error)]
    if problems != ["ok"]:
        backup = newest_backup(path)
        raise NotATutorDatabase(
            path,
            f"SQLite's quick_check finds it damaged ({problems[0]})",
            f"Restore the newest backup beside it ({backup})"
            if backup
            else "Restore it from a backup; no backup was found beside it",
        )


def unusable(path: Path, error: BaseException | None) -> DatabaseUnusable:
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
