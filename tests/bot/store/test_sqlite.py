"""What only the SQLite store promises: its file, its migrations, and refusing bad files."""

import asyncio
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import tomllib
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import (
    DatabaseFromNewerVersion,
    DatabaseNotWritable,
    DatabaseUnusable,
    NotATutorDatabase,
    TutorStore,
)
from exercises.model import Difficulty
from exercises.progress import PostContext
from tests.bot.store import v5

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
LATEST = 6  # the schema version older releases read (PRAGMA user_version)


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
    async with await TutorStore.open(path):
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


def test_the_migrations_ship_as_package_data():
    """Alembic's versions/ is no package: the wheel has it only if pyproject says so."""
    root = Path(__file__).parents[3]
    declared = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = declared["package-data"]["bot.store"]
    folder = root / "bot" / "store"
    shipped = {p.relative_to(folder) for pattern in patterns for p in folder.glob(pattern)}
    migrations = folder / "migrations"
    needed = {p.relative_to(folder) for p in migrations.rglob("*") if p.suffix in {".py", ".mako"}}
    assert {"migrations/versions/0001_schema_5.py", "migrations/env.py"} <= {str(p) for p in needed}
    assert needed <= shipped


async def test_a_version_1_database_is_refused_with_the_release_that_upgrades_it(tmp_path):
    path = tmp_path / "old.sqlite3"
    v5.sqlite_at(path, version=1)
    before = fingerprint(path)
    with pytest.raises(DatabaseFromNewerVersion) as refused:
        await TutorStore.open(path)
    assert str(path) in str(refused.value)
    assert "version 1" in str(refused.value)
    assert "last release without Alembic" in str(refused.value)
    assert fingerprint(path) == before


async def test_an_upgrade_that_fails_halfway_changes_nothing(tmp_path):
    """Revision 0002 rebuilds every table, then checks the foreign keys: an attempt whose
    post is gone fails it after every table was rebuilt, and all of it is rolled back."""
    path = tmp_path / "half.sqlite3"
    v5.sqlite_at(path, version=5)
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO attempts VALUES (99, 12345, 1, 99, 1, 'A', 0, 0,"
            " '2025-03-01T10:01:00.000000Z')"
        )
        db.commit()
    schema_before = v5.sqlite_schema(path)
    with pytest.raises(DatabaseUnusable, match="upgrading its schema failed"):
        await TutorStore.open(path)
    assert v5.sqlite_schema(path) == schema_before
    assert user_version(path) == 5
    assert "alembic_version" not in tables(path)


async def test_attempts_cannot_be_rewritten(tmp_path):
    path = tmp_path / "log.sqlite3"
    async with await TutorStore.open(path) as store:
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
        await TutorStore.open(path)
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
        await TutorStore.open(path)
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
        await TutorStore.open(path)
    assert str(path) in str(refused.value)
    assert "no tutor schema version" in str(refused.value)
    assert tables(path) == {"invoices"}
    assert fingerprint(path) == before


async def test_a_first_run_creates_the_databases_folder(tmp_path):
    path = tmp_path / "data" / "tutor.sqlite3"
    async with await TutorStore.open(path):
        pass
    assert path.is_file()


async def test_a_path_whose_folder_cannot_be_made_is_refused(tmp_path):
    (tmp_path / "a-file").write_text("a plain file, not a folder")
    path = tmp_path / "a-file" / "tutor.sqlite3"
    with pytest.raises(DatabaseNotWritable) as refused:
        await TutorStore.open(path)
    assert str(path) in str(refused.value)
    assert "may write" in str(refused.value)
    assert (tmp_path / "a-file").read_text() == "a plain file, not a folder"


async def test_a_folder_given_as_the_database_is_named_a_folder(tmp_path):
    with pytest.raises(DatabaseNotWritable) as refused:
        await TutorStore.open(tmp_path)
    assert str(refused.value) == (
        f"cannot use the database at {tmp_path}: it is a folder, not a file. "
        f"Point the bot at a file, e.g. {tmp_path / 'tutor.sqlite3'}"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skip_is_fine_in_ci("a property of the user running the tests, not a missing tool")
@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
async def test_a_read_only_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "read-only.sqlite3"
    async with await TutorStore.open(path):
        pass
    before = fingerprint(path)
    path.chmod(0o444)
    with pytest.raises(DatabaseNotWritable) as refused:
        await TutorStore.open(path)
    assert str(path) in str(refused.value)
    assert "read-only" in str(refused.value)
    assert fingerprint(path) == before


# The writer


async def test_a_failed_write_is_rolled_back_and_the_next_one_succeeds(tmp_path):
    async with await TutorStore.open(tmp_path / "w.sqlite3") as store:
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

    async def hold_the_commit(tx):
        if armed.is_set():
            holding.set()
            released.wait(30)  # bounded: the test releases it right after cancelling

    async with await TutorStore.open(path, before_commit=hold_the_commit) as store:
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
    async with await TutorStore.open(path) as reopened:
        progress = await reopened.progress_on_post(post_id=hard.post_id, member_id=5)
        assert (progress.attempts_used, progress.solved, progress.points) == (1, True, 30)


# Sabotage: a database is never silently reset or damaged


async def test_an_existing_empty_file_is_refused_not_taken_for_a_new_one(tmp_path):
    path = tmp_path / "restored.sqlite3"
    path.touch()
    with pytest.raises(NotATutorDatabase) as refused:
        await TutorStore.open(path)
    message = str(refused.value)
    assert "\n" not in message
    assert str(path) in message
    assert "empty (0 bytes)" in message
    assert "delete it" in message
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restored.sqlite3"]


async def test_a_damaged_file_is_refused_naming_the_newest_backup(tmp_path):
    path = tmp_path / "tutor.sqlite3"
    async with await TutorStore.open(path) as store:
        for n in range(300):  # a file of a few hundred KB
            await store.create_post(
                guild_id=1,
                channel_id=2,
                exercise_id=f"pack/{n}" + "x" * 500,
                content_hash="abc",
                difficulty=Difficulty.EASY,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=NOON,
            )
    older = tmp_path / "tutor.sqlite3.v5.backup"
    newer = tmp_path / "tutor.sqlite3.v6.backup"
    for backup in (older, newer):
        backup.write_bytes(path.read_bytes())
    os.utime(older, (1_000_000, 1_000_000))
    size = path.stat().st_size
    with path.open("r+b") as file:  # 8 KB of garbage in the middle
        file.seek(size // 2 // 4096 * 4096)
        file.write(os.urandom(8192))
    before = fingerprint(path)
    with pytest.raises(NotATutorDatabase) as refused:
        await TutorStore.open(path)
    message = str(refused.value)
    assert str(path) in message
    assert "quick_check" in message
    assert str(newer) in message
    assert fingerprint(path) == before


def test_a_full_disk_fails_writes_with_one_line_a_minute_and_health_says_so(tmp_path):
    """Every answer fails while the disk is full, /health is 503 (its probe is a real write),
    the log says so once with a count, and writes work again once there is room."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bot.store.full_disk", str(tmp_path / "tutor.sqlite3")],
        cwd=Path(__file__).parents[3],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert (seen["before"], seen["during"], seen["after"]) == (200, 503, 200)
    assert seen["refused"] == 20
    assert seen["failing"] == 21  # the twenty answers and the /health probe
    assert seen["recorded_after"] is True
    assert len(seen["log"]) == 1
    assert seen["log"][0].startswith("writes are failing: 1 since the last one stored")
    assert "Traceback" not in done.stderr


async def test_every_commit_is_on_the_disk_before_its_callers_hear_of_it(tmp_path):
    """synchronous = FULL on the writer's connection: a power loss cannot take back an
    answer a member was told was recorded (WAL with NORMAL could)."""
    seen: list[int] = []

    async def note(tx) -> None:
        seen.append((await tx.execute(sa.text("PRAGMA synchronous"))).scalar())

    async with await TutorStore.open(tmp_path / "tutor.sqlite3", before_commit=note) as store:
        await store.record_commands_synced(guild_id=None, tree_hash="a", synced_at=NOON)
    assert seen == [2]  # FULL
