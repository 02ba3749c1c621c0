"""What only the SQLite store promises: its file, its migrations, and refusing bad files."""

import asyncio
import hashlib
import os
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime

import pytest

from exercises.progress import PostContext
from bot.store import (
    AttemptOutcome,
    DatabaseFromNewerVersion,
    DatabaseNotWritable,
    NotATutorDatabase,
    SqliteStore,
)
from bot.store.schema import Migration, connect, migrate, shipped_migrations, statements
from exercises.model import Difficulty

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
LATEST = len(shipped_migrations())


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables(path):
    with closing(sqlite3.connect(path)) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_schema WHERE type='table'")}


def user_version(path):
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


# The file and its schema


async def test_a_new_file_gets_every_table_in_wal_mode(tmp_path):
    path = tmp_path / "new.sqlite3"
    async with await SqliteStore.open(path):
        pass
    assert user_version(path) == LATEST
    assert {
        "posts",
        "attempts",
        "hints",
        "guild_settings",
        "quiz_schedules",
        "quiz_deliveries",
        "quiz_delivery_posts",
        "test_runs",
        "test_run_questions",
        "practice_channels",
        "disabled_exercises",
        "closed_posts",
        "reports",
        "moderator_actions",
        "forgotten_members",
        "departed_guilds",
    } <= tables(path)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_ship_with_the_package_numbered_without_gaps():
    migrations = shipped_migrations()
    assert [m.version for m in migrations] == list(range(1, LATEST + 1))
    assert LATEST >= 2
    assert all(m.sql.strip() for m in migrations)


def test_statements_keep_a_trigger_whole():
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER no_update BEFORE UPDATE ON t
    BEGIN
        SELECT RAISE(ABORT, 'no; never');
    END;
    -- trailing comment
    """
    found = list(statements(script))
    assert len(found) == 2
    assert found[1].startswith("CREATE TRIGGER")
    assert found[1].endswith("END;")


async def test_a_version_1_database_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(shipped_migrations()[0].sql)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO posts VALUES (7, 1, 2, 3, 'pack/ex', 'abc123', 'hard', 'practice', 3,"
            " '2025-03-01T10:00:00.000000Z')"
        )
        db.execute(
            "INSERT INTO attempts VALUES (1, 7, 42, 900, 1, 'B', 0, 0,"
            " '2025-03-01T10:01:00.000000Z')"
        )
        db.execute("INSERT INTO hints VALUES (7, 42, 1, '2025-03-01T10:00:30.000000Z')")
        db.commit()
    assert "quiz_schedules" not in tables(path)

    async with await SqliteStore.open(path) as store:
        old_post = await store.get_post(7)
        assert (old_post.exercise_id, old_post.difficulty) == ("pack/ex", Difficulty.HARD)
        progress = await store.progress_on_post(post_id=7, member_id=42)
        assert (progress.attempts_used, progress.hints_used) == (1, 1)
        retry = await store.record_attempt(
            post_id=7, member_id=42, interaction_id=900, answer="C", correct=True, answered_at=NOON
        )
        assert retry.outcome is AttemptOutcome.ALREADY_RECORDED
        solved = await store.record_attempt(
            post_id=7, member_id=42, interaction_id=901, answer="C", correct=True, answered_at=NOON
        )
        assert (solved.attempt.attempt_number, solved.attempt.points) == (2, 15 - 6)

    assert user_version(path) == LATEST
    assert "quiz_schedules" in tables(path)


async def test_migrations_apply_all_or_nothing(tmp_path):
    path = tmp_path / "half.sqlite3"
    broken = [
        Migration(1, "fine", "CREATE TABLE first (x INTEGER);"),
        Migration(2, "broken", "CREATE TABLE second (x INTEGER); CREATE TABLE first (y);"),
    ]
    db = await connect(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="already exists"):
            await migrate(db, path, broken)
    finally:
        await db.close()
    assert user_version(path) == 0
    assert tables(path) == set()


async def test_attempts_cannot_be_rewritten(tmp_path):
    path = tmp_path / "log.sqlite3"
    async with await SqliteStore.open(path) as store:
        hard = await store.create_post(
            guild_id=1,
            channel_id=2,
            exercise_id="pack/ex",
            content_hash="abc",
            difficulty=Difficulty.HARD,
            context=PostContext.PRACTICE,
            attempt_limit=3,
            posted_at=NOON,
        )
        await store.record_attempt(
            post_id=hard.post_id,
            member_id=5,
            interaction_id=6,
            answer="A",
            correct=False,
            answered_at=NOON,
        )
    db = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE attempts SET correct = 1")
    finally:
        db.close()


# Bad files: refused with the path and what to do, and never changed


async def test_a_database_from_a_newer_release_is_refused_unchanged(tmp_path):
    path = tmp_path / "newer.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {LATEST + 1}")
    before = fingerprint(path)
    with pytest.raises(DatabaseFromNewerVersion) as refused:
        await SqliteStore.open(path)
    message = str(refused.value)
    assert str(path) in message
    assert f"version {LATEST + 1}, newer" in message
    assert "bot release" in message
    assert user_version(path) == LATEST + 1
    assert fingerprint(path) == before


async def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 200)
    before = fingerprint(path)
    with pytest.raises(NotATutorDatabase) as refused:
        await SqliteStore.open(path)
    assert str(path) in str(refused.value)
    assert "not an SQLite database" in str(refused.value)
    assert fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


async def test_another_applications_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "someone-else.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = fingerprint(path)
    with pytest.raises(NotATutorDatabase) as refused:
        await SqliteStore.open(path)
    assert str(path) in str(refused.value)
    assert "no tutor schema version" in str(refused.value)
    assert tables(path) == {"invoices"}
    assert fingerprint(path) == before


async def test_a_first_run_creates_the_databases_folder(tmp_path):
    path = tmp_path / "data" / "tutor.sqlite3"
    async with await SqliteStore.open(path):
        pass
    assert path.is_file()


async def test_a_path_whose_folder_cannot_be_made_is_refused(tmp_path):
    (tmp_path / "a-file").write_text("a plain file, not a folder")
    path = tmp_path / "a-file" / "tutor.sqlite3"
    with pytest.raises(DatabaseNotWritable) as refused:
        await SqliteStore.open(path)
    assert str(path) in str(refused.value)
    assert "may write" in str(refused.value)
    assert (tmp_path / "a-file").read_text() == "a plain file, not a folder"


async def test_a_folder_given_as_the_database_is_named_a_folder(tmp_path):
    with pytest.raises(DatabaseNotWritable) as refused:
        await SqliteStore.open(tmp_path)
    assert str(refused.value) == (
        f"cannot use the database at {tmp_path}: it is a folder, not a file. "
        f"Point the bot at a file, e.g. {tmp_path / 'tutor.sqlite3'}"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skip_is_fine_in_ci("a property of the user running the tests, not a missing tool")
@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
async def test_a_read_only_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "read-only.sqlite3"
    async with await SqliteStore.open(path):
        pass
    before = fingerprint(path)
    path.chmod(0o444)
    with pytest.raises(DatabaseNotWritable) as refused:
        await SqliteStore.open(path)
    assert str(path) in str(refused.value)
    assert "read-only" in str(refused.value)
    assert fingerprint(path) == before


# The writer


async def test_a_failed_write_is_rolled_back_and_the_next_one_succeeds(tmp_path):
    async with await SqliteStore.open(tmp_path / "w.sqlite3") as store:
        first, second = [
            await store.create_post(
                guild_id=1,
                channel_id=2,
                exercise_id=f"pack/{n}",
                content_hash="abc",
                difficulty=Difficulty.EASY,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=NOON,
            )
            for n in range(2)
        ]
        await store.set_post_message(first.post_id, 99)
        with pytest.raises(sqlite3.IntegrityError):
            await store.set_post_message(second.post_id, 99)  # one message shows one post
        assert (await store.get_post(second.post_id)).message_id is None
        assert (await store.set_post_message(second.post_id, 100)).message_id == 100


async def test_an_answer_whose_caller_gave_up_is_still_recorded(tmp_path):
    """The caller is cancelled while its write waits for the batch's COMMIT (held there by
    the writer's test-only hook), so the cancel always comes before the write is done."""
    path = tmp_path / "cancel.sqlite3"
    armed, holding, released = threading.Event(), threading.Event(), threading.Event()

    def hold_the_commit(db):
        if armed.is_set():
            holding.set()
            released.wait(30)  # bounded: the test releases it right after cancelling

    async with await SqliteStore.open(path, before_commit=hold_the_commit) as store:
        hard = await store.create_post(
            guild_id=1,
            channel_id=2,
            exercise_id="pack/ex",
            content_hash="abc",
            difficulty=Difficulty.HARD,
            context=PostContext.PRACTICE,
            attempt_limit=3,
            posted_at=NOON,
        )
        armed.set()
        click = asyncio.create_task(
            store.record_attempt(
                post_id=hard.post_id,
                member_id=5,
                interaction_id=6,
                answer="C",
                correct=True,
                answered_at=NOON,
            )
        )
        assert await asyncio.to_thread(holding.wait, 30)  # the click's batch awaits its COMMIT
        click.cancel()
        with pytest.raises(asyncio.CancelledError):
            await click
        released.set()
    async with await SqliteStore.open(path) as reopened:
        progress = await reopened.progress_on_post(post_id=hard.post_id, member_id=5)
        assert (progress.attempts_used, progress.solved, progress.points) == (1, True, 30)
