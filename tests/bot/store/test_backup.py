"""`python -m bot backup PATH` while the bot writes; restoring that copy; a backup per upgrade."""

import asyncio
import os
import sqlite3
import sys
from contextlib import closing
from datetime import UTC, datetime

from bot.store import AttemptOutcome, TutorStore
from exercises.model import Difficulty
from exercises.progress import PostContext
from tests.bot.store import v5

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


async def new_post(store, attempt_limit=1):
    return await store.create_post(
        guild_id=1,
        channel_id=2,
        exercise_id="pack/ex",
        content_hash="abc",
        difficulty=Difficulty.EASY,
        context=PostContext.PRACTICE,
        attempt_limit=attempt_limit,
        posted_at=NOON,
    )


async def answer(store, post, member):
    result = await store.record_attempt(
        post_id=post.post_id,
        member_id=member,
        interaction_id=10_000 + member,
        answer="A",
        correct=True,
        answered_at=NOON,
    )
    assert result.outcome is AttemptOutcome.RECORDED
    return member


def members_in(path):
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {row[0] for row in db.execute("SELECT member_id FROM attempts")}


async def run_backup(database, target):
    env = os.environ | {"DATABASE_PATH": str(database)}
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", str(target), env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    return out.decode()


async def test_a_backup_taken_during_writes_holds_every_earlier_answer(tmp_path):
    database, copy = tmp_path / "tutor.sqlite3", tmp_path / "copy.sqlite3"
    async with await TutorStore.open(database) as store:
        post = await new_post(store)
        before = {await answer(store, post, member) for member in range(1, 201)}
        during: set[int] = set()
        backing_up = asyncio.create_task(run_backup(database, copy))
        member = 1000
        while not backing_up.done() or not during:  # writes go on throughout
            during.add(await answer(store, post, member))
            member += 1
        said = await backing_up

    assert f"to {copy}" in said
    saved = members_in(copy)  # passes PRAGMA integrity_check
    assert before <= saved
    assert saved <= before | during


async def test_restoring_a_backup_brings_its_answers_back(tmp_path):
    database, copy = tmp_path / "tutor.sqlite3", tmp_path / "copy.sqlite3"
    async with await TutorStore.open(database) as store:
        post = await new_post(store)
        await answer(store, post, 1)
        await run_backup(database, copy)
        await answer(store, post, 2)  # after the backup: lost by the restore, as documented

    # The README's steps: stop the bot (done above), replace the file, start it again.
    for leftover in ("-wal", "-shm"):
        database.with_name(database.name + leftover).unlink(missing_ok=True)
    database.write_bytes(copy.read_bytes())

    async with await TutorStore.open(database) as restored:
        first = await restored.progress_on_post(post_id=post.post_id, member_id=1)
        second = await restored.progress_on_post(post_id=post.post_id, member_id=2)
        assert (first.solved, second.attempts_used) == (True, 0)
        await answer(restored, post, 3)  # and it takes new answers


async def test_a_schema_upgrade_backs_up_the_old_file_first(tmp_path):
    database = tmp_path / "tutor.sqlite3"
    v5.sqlite_at(database, version=5)  # as the last release before Alembic left it

    async with await TutorStore.open(database):
        pass
    saved = tmp_path / "tutor.sqlite3.v5.backup"
    with closing(sqlite3.connect(saved)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (5,)
        assert db.execute("SELECT exercise_id FROM posts").fetchall() == [("pack/ex",)]

    async with await TutorStore.open(database):  # already up to date: no new copy
        pass
    assert sorted(p.name for p in tmp_path.glob("*.backup")) == [saved.name]


async def test_a_backup_of_a_missing_database_says_which_setting(tmp_path):
    env = os.environ | {"DATABASE_PATH": str(tmp_path / "nowhere.sqlite3")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(tmp_path / "copy.sqlite3"),
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 2
    assert b"DATABASE_PATH" in err
    assert not (tmp_path / "copy.sqlite3").exists()
