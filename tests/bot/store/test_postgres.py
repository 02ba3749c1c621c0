"""What only the PostgreSQL store promises: it refuses a database that is not its own or is
newer, attempts stay append-only, and its URL's password is never shown."""

from datetime import UTC, datetime

import psycopg
import pytest

from bot.store import DatabaseFromNewerVersion, DatabaseNotWritable, NotATutorDatabase, TutorStore
from bot.store.database import Database
from bot.store.location import PostgresUrl
from tests.postgres import fresh_schema, server_url

LATEST = 6  # the schema version older releases read (tutor_schema)
NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


def test_the_password_is_never_shown():
    url = PostgresUrl("postgresql://tutor:s3cret@db.example:5432/tutor?password=s3cret")
    assert "s3cret" not in str(url)
    assert "s3cret" not in repr(url)
    assert "s3cret" not in repr(TutorStore(Database(url, writer=None)))  # type: ignore[arg-type]
    assert url.secret().startswith("postgresql://tutor:s3cret@")


async def test_no_server_answering_is_a_clear_error_without_the_password():
    url = PostgresUrl("postgresql://tutor:s3cret@127.0.0.1:1/tutor")
    with pytest.raises(DatabaseNotWritable) as raised:
        await TutorStore.open(url)
    assert "postgresql://tutor:***@127.0.0.1:1/tutor" in str(raised.value)
    assert "s3cret" not in str(raised.value)
    assert "DATABASE_URL" in str(raised.value)


async def admin(url: PostgresUrl):
    return await psycopg.AsyncConnection.connect(url.secret(), autocommit=True)


@pytest.mark.postgres
async def test_a_new_schema_is_migrated_to_the_latest_version_once():
    async with fresh_schema() as url:
        async with await TutorStore.open(url):
            pass
        async with await TutorStore.open(url):  # already up to date
            pass
        async with await admin(url) as db:
            version = await (await db.execute("SELECT version FROM tutor_schema")).fetchone()
            tables = await (
                await db.execute(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema()"
                )
            ).fetchall()
        assert version == (LATEST,)
        assert {"posts", "attempts", "hints", "quiz_deliveries", "reports"} <= {
            name for (name,) in tables
        }


@pytest.mark.postgres
async def test_a_database_from_a_newer_release_is_refused_unchanged():
    async with fresh_schema() as url:
        async with await TutorStore.open(url):
            pass
        async with await admin(url) as db:
            await db.execute("UPDATE tutor_schema SET version = %s", (LATEST + 1,))
            await db.execute("DROP TABLE alembic_version")  # as a release before Alembic
        with pytest.raises(DatabaseFromNewerVersion, match=f"version {LATEST + 1}, newer"):
            await TutorStore.open(url)
        async with await admin(url) as db:
            row = await (await db.execute("SELECT version FROM tutor_schema")).fetchone()
        assert row == (LATEST + 1,)


@pytest.mark.postgres
async def test_another_applications_schema_is_refused_unchanged():
    async with fresh_schema() as url:
        async with await admin(url) as db:
            await db.execute("CREATE TABLE invoices (id int)")
        with pytest.raises(NotATutorDatabase, match="no tutor schema version"):
            await TutorStore.open(url)
        async with await admin(url) as db:
            row = await (await db.execute("SELECT to_regclass('posts')")).fetchone()
        assert row == (None,)


@pytest.mark.postgres
async def test_attempts_cannot_be_rewritten():
    async with fresh_schema() as url:
        async with await TutorStore.open(url):
            pass
        async with await admin(url) as db:
            await db.execute(
                "INSERT INTO posts (guild_id, channel_id, exercise_id, content_hash, difficulty,"
                " context, attempt_limit, posted_at)"
                " VALUES (1, 2, 'p/e', 'h', 'easy', 'practice', 3, '2025-01-01T00:00:00Z')"
            )
            await db.execute(
                "INSERT INTO attempts (post_id, member_id, interaction_id, attempt_number,"
                " answer, correct, points, answered_at)"
                " VALUES (1, 5, 6, 1, 'A', 0, 0, '2025-01-01T00:00:00Z')"
            )
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                await db.execute("UPDATE attempts SET correct = 1")


@pytest.mark.postgres
async def test_each_test_gets_a_schema_of_its_own_that_is_dropped_after():
    async with fresh_schema() as first, fresh_schema() as second:
        async with await TutorStore.open(first) as store:
            await store.record_commands_synced(guild_id=None, tree_hash="a", synced_at=NOW)
        async with await TutorStore.open(second) as store:
            assert await store.synced_commands(guild_id=None) is None  # no rows of the other
        schema = first.secret().rsplit("search_path%3D", 1)[1]
    async with await psycopg.AsyncConnection.connect(server_url()) as db:
        cursor = await db.execute("SELECT to_regnamespace(%s)", (schema,))
        assert await cursor.fetchone() == (None,)
