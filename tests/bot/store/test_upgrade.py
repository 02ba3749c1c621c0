"""Taking over the databases the releases before Alembic made (schema version 5), on SQLite
and on PostgreSQL: upgraded in place on the first start, every row kept, every constraint
named and still there; a newer release's database is refused."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store import DatabaseFromNewerVersion, TutorStore
from bot.store.location import PostgresUrl
from bot.store.tables import metadata
from bot.store.upgrade import HEAD, alembic_config, postgresql_engine, sqlite_engine
from exercises import Difficulty
from exercises.progress import PostContext
from exercises.shown_order import BY_POST
from tests.bot.store import v5
from tests.postgres import fresh_schema


def head() -> str:
    """Alembic's newest revision, read from the migration tree."""
    newest = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert newest is not None
    return newest


@asynccontextmanager
async def version_5(kind: str, tmp_path) -> AsyncIterator[Any]:
    """Where a v5 database with a row in every table is: a Path or a PostgresUrl."""
    if kind == "sqlite":
        path = tmp_path / "tutor.sqlite3"
        v5.sqlite_at(path, version=5)
        yield path
        return
    async with fresh_schema() as url:
        await v5.postgres_at(url)
        yield url


@contextmanager
def connected(location: Any) -> Iterator[sa.Connection]:
    engine = postgresql_engine(location) if isinstance(location, PostgresUrl) else None
    engine = engine or sqlite_engine(location)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def recorded_version(connection: sa.Connection) -> int:
    if connection.dialect.name == "sqlite":
        return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
    return int(connection.exec_driver_sql("SELECT version FROM tutor_schema").scalar_one())


def named_checks(connection: sa.Connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    return {
        table.name: {c["name"] for c in inspector.get_check_constraints(table.name)}
        for table in metadata.sorted_tables
    }


def declared_checks(dialect: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table in metadata.sorted_tables:
        checks = found.setdefault(table.name, set())
        for constraint in table.constraints:
            ddl_if = getattr(constraint, "_ddl_if", None)
            only = getattr(ddl_if, "dialect", None)
            if isinstance(constraint, sa.CheckConstraint) and only in (None, dialect):
                checks.add(str(constraint.name))
        for column in table.columns:
            checks.update(
                str(c.name) for c in column.constraints if isinstance(c, sa.CheckConstraint)
            )
    return found


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("kind", BACKENDS)
async def test_a_version_5_database_upgrades_in_place_keeping_every_row(kind, tmp_path):
    async with version_5(kind, tmp_path) as location:
        async with await TutorStore.open(location) as store:
            post = await store.get_post(7)
            assert post is not None
            assert post.exercise_id == "pack/ex"
            skipped = await store.quizzes.delivery(12)
            assert skipped is not None
            assert skipped.lease_until == skipped.due_at
        with connected(location) as connection:
            assert v5.stored(connection) == v5.expected()
            assert recorded_version(connection) == 6
            assert MigrationContext.configure(connection).get_current_revision() == head()
            assert named_checks(connection) == declared_checks(connection.dialect.name)
        if kind == "sqlite":
            assert (tmp_path / "tutor.sqlite3.v5.backup").is_file()


@pytest.mark.parametrize("kind", BACKENDS)
async def test_every_constraint_and_the_append_only_trigger_hold_after_the_upgrade(kind, tmp_path):
    async with version_5(kind, tmp_path) as location:
        async with await TutorStore.open(location):
            pass
        with connected(location) as connection:
            if kind == "sqlite":  # outside any transaction, where SQLite takes it
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
            foreign_key = "hints_post_id_fkey" if kind == "postgresql" else "FOREIGN KEY"
            for statement, named in (
                ("UPDATE attempts SET correct = 1", "append-only"),
                ("UPDATE posts SET difficulty = 'impossible'", "posts_difficulty_check"),
                ("UPDATE quiz_deliveries SET status = 'lost'", "quiz_deliveries_status_check"),
                ("UPDATE quiz_schedules SET pause_reason = NULL", "quiz_schedules_check"),
                ("UPDATE quiz_schedules SET local_time = '9h'", "quiz_schedules_local_time_check"),
                ("UPDATE test_run_questions SET answer = NULL", "test_run_questions_check"),
                ("INSERT INTO hints VALUES (404, 1, 1, '2025-03-01T10:00:00Z')", foreign_key),
            ):
                with pytest.raises(sa.exc.DBAPIError) as refused, connection.begin():
                    connection.exec_driver_sql(statement)
                assert named in str(refused.value)


async def test_named_checks_survive_a_later_batch_migration_on_sqlite(tmp_path):
    """Alembic's batch mode rebuilds an SQLite table: a later revision that changes
    quiz_deliveries keeps its five CHECKs because each has a name now."""
    async with version_5("sqlite", tmp_path) as path:
        async with await TutorStore.open(path):
            pass
        with connected(path) as connection, connection.begin():
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("quiz_deliveries", recreate="always") as batch:
                batch.add_column(sa.Column("later", sa.Text(), nullable=True))
            checks = named_checks(connection)["quiz_deliveries"]
        assert checks == declared_checks("sqlite")["quiz_deliveries"]
        assert len(checks) == 2  # status, failures (the other rules are NOT NULL and UNIQUE)
        with closing(sqlite3.connect(path)) as db, pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE quiz_deliveries SET failures = -1")


@pytest.mark.parametrize("kind", BACKENDS)
async def test_a_revision_from_a_newer_release_is_refused_unchanged(kind, tmp_path):
    async with version_5(kind, tmp_path) as location:
        async with await TutorStore.open(location):
            pass
        with connected(location) as connection, connection.begin():
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dface'")
        with pytest.raises(DatabaseFromNewerVersion) as refused:
            await TutorStore.open(location)
        assert "revision f00dface, from a newer release" in str(refused.value)
        with connected(location) as connection:
            assert v5.stored(connection) == v5.expected()


def test_the_head_a_current_database_is_opened_at_is_alembics_newest_revision():
    """A database at HEAD opens without Alembic: add a revision, move HEAD to it."""
    assert head() == HEAD


async def test_a_current_database_opens_without_importing_alembic(tmp_path):
    path = tmp_path / "tutor.sqlite3"
    async with await TutorStore.open(path):
        pass  # created here, at HEAD
    opening = (
        "import asyncio, sys; from bot.store import TutorStore\n"
        "async def main():\n"
        f"    await (await TutorStore.open({str(path)!r})).close()\n"
        "asyncio.run(main()); print(sorted({'alembic', 'mako'} & set(sys.modules)))"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        opening,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()

    assert out.decode().strip() == "[]", err.decode()


@pytest.mark.postgres
async def test_two_processes_starting_at_once_upgrade_once(tmp_path):
    """The advisory lock: both open, one upgrades, the other finds it done."""
    async with version_5("postgresql", tmp_path) as url:
        first, second = await asyncio.gather(TutorStore.open(url), TutorStore.open(url))
        await first.close()
        await second.close()
        with connected(url) as connection:
            assert v5.stored(connection) == v5.expected()
            assert recorded_version(connection) == 6


@pytest.mark.parametrize("kind", BACKENDS)
async def test_posts_made_before_0003_keep_the_files_order_and_new_ones_are_marked(kind, tmp_path):
    """Revision 0003: a post from before has no order marker (its message shows the file's
    order, so its panels must too); a post made after is marked with the order by its id."""
    async with version_5(kind, tmp_path) as location:
        async with await TutorStore.open(location) as store:
            old = await store.get_post(7)
            new = await store.create_post(
                guild_id=1,
                channel_id=2,
                exercise_id="pack/ex",
                content_hash="h",
                difficulty=Difficulty.EASY,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
            assert (await store.get_post(new.post_id)) == new
        assert old is not None
        assert old.option_order is None
        assert new.option_order == BY_POST
        with connected(location) as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head()
            assert recorded_version(connection) == 6  # older releases write NULL: what they show
